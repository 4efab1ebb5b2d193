export { groupRational, setGroupRationalSimd, GROUP_RATIONAL_KERNEL, GROUP_RATIONAL_GRAD_KERNEL } from './group_rational';
export type { GroupRationalOptions } from './group_rational';
export { groupRationalReference } from './group_rational_reference';
export { registerTypedArrayKernel, hasKernel, TYPED_ARRAY_BACKENDS } from './typed_array_kernel';
export type { TypedArrayKernel } from './typed_array_kernel';
