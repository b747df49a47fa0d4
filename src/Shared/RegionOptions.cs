namespace Uffd.SourceGeneration;

// Mirrors of the runtime's enums (Uffd.FaultMode, Uffd.RegionMemory, Uffd.ProviderErrorPolicy, Uffd.WriteTracking,
// Uffd.UserModeOnlyPolicy, Uffd.ReadAheadMode): the generator and
// the analyzers run inside the compiler and cannot load Uffd.Runtime, so they read the attribute's constants as these.
// The values must stay equal to the runtime's; the generator tests compile every emitted name against the runtime.

/// <summary>Mirror of <c>Uffd.FaultMode</c>.</summary>
[System.Flags]
internal enum RegionFaultMode
{
    None = 0,
    Missing = 1,
    WriteProtect = 2,
    Minor = 4,
    All = Missing | WriteProtect | Minor,
}

/// <summary>Mirror of <c>Uffd.RegionMemory</c>.</summary>
internal enum RegionMemoryKind
{
    Default = 0,
    Anonymous = 1,
    Shared = 2,
    HugePages = 3,
}

/// <summary>Mirror of <c>Uffd.ProviderErrorPolicy</c>.</summary>
internal enum RegionErrorPolicy
{
    FailFast = 0,
    ZeroFill = 1,
    Poison = 2,
}

/// <summary>Mirror of <c>Uffd.WriteTracking</c>.</summary>
internal enum RegionWriteTracking
{
    Synchronous = 0,
    Asynchronous = 1,
}

/// <summary>Mirror of <c>Uffd.UserModeOnlyPolicy</c>; a region's default is <see cref="Forbid"/>.</summary>
internal enum RegionUserModeOnly
{
    Allow = 0,
    Require = 1,
    Forbid = 2,
}

/// <summary>Mirror of <c>Uffd.ReadAheadMode</c>.</summary>
internal enum RegionReadAheadMode
{
    Always = 0,
    Sequential = 1,
}

/// <summary>The named arguments of one <c>[FaultRegion]</c>, with the attribute's defaults for those not given.</summary>
internal readonly struct RegionOptions
{
    public RegionOptions(
        RegionFaultMode mode,
        long pages,
        int handlerThreads,
        int readAhead,
        RegionMemoryKind memory,
        RegionErrorPolicy onProviderError,
        bool protectOnFill,
        RegionWriteTracking writeTracking,
        RegionUserModeOnly userModeOnly,
        int maxFaultsInFlight = 0,
        RegionReadAheadMode readAheadMode = RegionReadAheadMode.Always,
        bool remote = false)
    {
        Mode = mode;
        Pages = pages;
        HandlerThreads = handlerThreads;
        ReadAhead = readAhead;
        Memory = memory;
        OnProviderError = onProviderError;
        ProtectOnFill = protectOnFill;
        WriteTracking = writeTracking;
        UserModeOnly = userModeOnly;
        MaxFaultsInFlight = maxFaultsInFlight;
        ReadAheadMode = readAheadMode;
        Remote = remote;
    }

    public RegionFaultMode Mode { get; }
    public long Pages { get; }
    public int HandlerThreads { get; }
    public int ReadAhead { get; }
    public RegionMemoryKind Memory { get; }
    public RegionErrorPolicy OnProviderError { get; }
    public bool ProtectOnFill { get; }
    public RegionWriteTracking WriteTracking { get; }
    public RegionUserModeOnly UserModeOnly { get; }

    /// <summary>The bound on an asynchronous provider's outstanding calls; 0 for the runtime's default.</summary>
    public int MaxFaultsInFlight { get; }

    /// <summary>Whether every missing fault reads ahead, or only those that continue a sequential run.</summary>
    public RegionReadAheadMode ReadAheadMode { get; }

    /// <summary>The region serves another process's memory (<c>Serve(RemoteMemory)</c> instead of <c>Open</c> and the accessors).</summary>
    public bool Remote { get; }

    /// <summary>True when the mode needs a page provider (Missing or Minor faults).</summary>
    public bool NeedsProvider => (Mode & (RegionFaultMode.Missing | RegionFaultMode.Minor)) != 0;

    /// <summary>True when the mode serves write-protect faults.</summary>
    public bool HasWriteProtect => (Mode & RegionFaultMode.WriteProtect) != 0;

    /// <summary>True when writes to protected pages wait for a handler (a write handler may be called).</summary>
    public bool HasSynchronousWriteProtect => HasWriteProtect && WriteTracking == RegionWriteTracking.Synchronous;

    /// <summary>True when the kernel records writes itself (<c>CollectWrittenPages</c>; no write handler).</summary>
    public bool HasAsynchronousWriteProtect => HasWriteProtect && WriteTracking == RegionWriteTracking.Asynchronous;

    /// <summary>
    /// True when the region has an unregistered alias view (<c>AliasSpan</c>): only Minor regions, whose content is
    /// staged through it. In any other region a page touched through an alias would never reach the provider.
    /// </summary>
    public bool HasAliasView => (Mode & RegionFaultMode.Minor) != 0;
}
