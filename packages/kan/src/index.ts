// @basiskit/kan's public entry. The tools of pykan and efficient-kan are methods of the layers
// and networks they act on (`layer.updateGrid(x)`, `model.prune()`, ...); the functions exported
// here take tensors or numbers, never a layer (see the README's table of tools).
export { FastKANLayer } from './fastkan_layer';
export type { FastKANLayerOptions } from './fastkan_layer';
export { ChebyKANLayer } from './chebykan_layer';
export type { ChebyKANLayerOptions } from './chebykan_layer';
export { FourierKANLayer } from './fourierkan_layer';
export type { FourierKANLayerOptions } from './fourierkan_layer';
export { ReLUKANLayer } from './relukan_layer';
export type { ReLUKANLayerOptions } from './relukan_layer';
export { KANLinear } from './kan_linear';
export type { KANLinearOptions, KANLinearForwardOptions, EdgeActivations, SplineEdgeValuesOptions } from './kan_linear';
export { KAN } from './kan';
export type { KANOptions, KANForwardOptions } from './kan';
export { SymbolicEdges } from './symbolic_edges';
export type { AffineParams } from './symbolic_edges';
export { curve2coef } from './curve_fit';
export type { Curve2CoefOptions } from './curve_fit';
export { gridFromSamples } from './grid_update';
export type { UpdateGridOptions } from './grid_update';
export type { RefineOptions } from './refine';
export type { RegularizationOptions, RegMetric } from './regularization';
export type { PruneOptions, NodeScores } from './prune';
export { SYMBOLIC_LIB, symbolicNames, getSymbolic, SINGULARITY_THRESHOLD } from './symbolic_library';
export type { SymbolicFunction } from './symbolic_library';
export { fitParams } from './symbolic';
export type {
  FitParamsOptions,
  FitParamsResult,
  EdgeSampleOptions,
  SuggestSymbolicOptions,
  SymbolicCandidate,
  FixSymbolicOptions,
  AutoSymbolicOptions,
  AutoSymbolicEdge,
} from './symbolic';
export type { SymbolicFormula, SymbolicFormulaOptions, SymbolicFormulaData, AffineExpr, SymbolicAtom } from './symbolic_formula';
export type { NamedConstant } from './formula_simplify';
export type { EdgeCurve, EdgeCurvesOptions } from './edge_curves';
export { GRKANLinear } from './gr_kan_linear';
export type { GRKANLinearOptions, GRKANInit } from './gr_kan_linear';
export { KATBlock } from './kat_block';
export type { KATBlockOptions } from './kat_block';
export { KANConv2d } from './kan_conv2d';
export type { KANConv2dOptions, KANLayerFactory } from './kan_conv2d';
export { SelectableKANLayer, SKAN_BASES } from './selectable_kan_layer';
export type { SelectableKANLayerOptions, SKANBasis, SKANCandidateOptions } from './selectable_kan_layer';
