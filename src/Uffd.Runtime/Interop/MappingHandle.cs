using System;
using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// Owns one mapping: <c>munmap</c> on Dispose or, for a mapping nobody disposed, on the finalizer thread. Created
/// before the <c>mmap</c> it will own (<see cref="Own"/>), so no allocation can fail between the two and leak it.
/// </summary>
/// <remarks>
/// A mapping that must outlive its owner, or that is no longer at its address (an <c>mremap</c> moved it), is given up
/// with <see cref="SafeHandle.SetHandleAsInvalid"/>: neither Dispose nor the finalizer then unmaps anything, so the
/// old address range, which may belong to someone else by then, is never touched.
/// </remarks>
internal sealed class MappingHandle : SafeHandle
{
    private readonly nuint length;

    /// <summary>A handle that owns nothing yet: <see cref="Own"/> gives it the mapping.</summary>
    public MappingHandle(long length) : base(IntPtr.Zero, ownsHandle: true)
    {
        this.length = (nuint)length;
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of the mapping at <paramref name="address"/> (a successful <c>mmap</c> of the handle's length).</summary>
    public void Own(nint address) => SetHandle(address);

    /// <summary>Never throws: a failed munmap (EINVAL only, for a range that is not a mapping) leaves nothing to retry.</summary>
    protected override bool ReleaseHandle() => Libc.munmap(handle, length) == 0;
}
