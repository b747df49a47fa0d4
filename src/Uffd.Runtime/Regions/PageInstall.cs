namespace Uffd.Regions;

/// <summary>The ioctl that resolves a fault.</summary>
internal enum InstallKind : byte
{
    /// <summary>UFFDIO_COPY of staged pages (1..n: the faulting page and its read-ahead).</summary>
    Copy,

    /// <summary>UFFDIO_ZEROPAGE.</summary>
    ZeroPage,

    /// <summary>UFFDIO_POISON: the next access gets SIGBUS.</summary>
    Poison,

    /// <summary>UFFDIO_CONTINUE: map the page-cache page (Minor).</summary>
    Continue,

    /// <summary>UFFDIO_WRITEPROTECT clearing the protection (the pages are not claimed).</summary>
    RemoveWriteProtection,
}

/// <summary>
/// One install of 1..n pages from the faulting page on: what to issue, and how far it got. When the kernel answers
/// EAGAIN the install is kept (with its staged pages) and retried from <see cref="Done"/>.
/// </summary>
internal struct PageInstall
{
    public InstallKind Kind;

    /// <summary>The first page's index (the faulting page).</summary>
    public long Index;

    /// <summary>The first page's address.</summary>
    public nint Page;

    public int Count;

    /// <summary>Pages answered so far: installed, found present, or dropped with their range.</summary>
    public int Done;

    /// <summary>Pages this install put in place.</summary>
    public int Installed;

    /// <summary>Install write-protected (COPY and CONTINUE).</summary>
    public bool Protect;

    /// <summary>The pages were added to the counters (before the first ioctl: it may wake the faulting thread).</summary>
    public bool Counted;

    /// <summary>The COPY runs with DONTWAKE (several pages): the installed ones are woken together.</summary>
    public bool DontWake;

    /// <summary>The fault it answers, and when it was read (0 when untimed): served again if a write-protect fault defers.</summary>
    public PageFaultEvent Fault;

    public long ReadAt;

    public PageInstall(InstallKind kind, long index, nint page, int count, bool protect, in PageFaultEvent fault, long readAt)
    {
        Kind = kind;
        Index = index;
        Page = page;
        Count = count;
        Protect = protect;
        DontWake = kind == InstallKind.Copy && count > 1;
        Fault = fault;
        ReadAt = readAt;
    }

    /// <summary>Whether the pages were claimed in the page table (every kind but the unprotect).</summary>
    public readonly bool Claimed => Kind != InstallKind.RemoveWriteProtection;
}

/// <summary>What serving a fault came to: resolved (or found resolved), or deferred until the kernel's events are read.</summary>
internal enum ServeResult : byte
{
    Served,
    Deferred,
}
