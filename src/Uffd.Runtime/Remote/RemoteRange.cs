namespace Uffd;

/// <summary>
/// A range of another process's address space that its uffd serves: <see cref="Length"/> bytes at
/// <see cref="Address"/> (an address in that process, never dereferenced here), whose content is at
/// <see cref="Offset"/> in the provider's page space. The provider of a remote region is called with page index
/// <c>(Offset + byte in the range) / page size</c>: with a snapshot file, the index of the file's page.
/// </summary>
/// <param name="Address">The range's start in the remote process, page-aligned.</param>
/// <param name="Length">Its length in bytes, a whole number of pages.</param>
/// <param name="Offset">Where its first byte is in the provider's page space (a snapshot file's offset), page-aligned.</param>
public readonly record struct RemoteRange(nint Address, long Length, long Offset);
