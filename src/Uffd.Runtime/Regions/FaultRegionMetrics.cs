namespace Uffd.Regions;

/// <summary>
/// The names under which regions publish their counters through <c>System.Diagnostics.Metrics</c>: the meter to
/// subscribe to (<c>dotnet-counters monitor --counters Uffd.Regions</c>, or OpenTelemetry's <c>AddMeter</c>), its
/// instruments and their tags. Every instrument carries <see cref="RegionNameTag"/>; docs/runtime.md ("Metrics")
/// lists them with their units.
/// </summary>
public static class FaultRegionMetrics
{
    /// <summary>The meter every region of the process reports through.</summary>
    public const string MeterName = "Uffd.Regions";

    /// <summary>Counter, <c>{fault}</c>: page-fault messages read (duplicates included), tagged <see cref="FaultKindTag"/>.</summary>
    public const string Faults = "uffd.region.faults";

    /// <summary>Counter, <c>{page}</c>: pages installed, tagged <see cref="PageFillTag"/> (read-ahead pages included).</summary>
    public const string Pages = "uffd.region.pages";

    /// <summary>Counter, <c>{resolution}</c>: resolutions that found the page already present (EEXIST), answered with a wake.</summary>
    public const string AlreadyPresent = "uffd.region.already_present";

    /// <summary>Counter, <c>{retry}</c>: resolutions retried because the kernel answered EAGAIN.</summary>
    public const string Retries = "uffd.region.retries";

    /// <summary>Counter, <c>{error}</c>: exceptions thrown by the page provider or the write handler.</summary>
    public const string ProviderErrors = "uffd.region.provider.errors";

    /// <summary>
    /// Histogram, <c>s</c>: how long a handler took to serve one page-fault message, from the read that returned it to
    /// the return of the ioctl that resolved it (the provider's time included), tagged <see cref="FaultKindTag"/>.
    /// </summary>
    public const string FaultDuration = "uffd.region.fault.duration";

    /// <summary>The region's name (<see cref="FaultRegionSettings.Name"/>), on every instrument.</summary>
    public const string RegionNameTag = "uffd.region.name";

    /// <summary>The kind of fault: <c>missing</c>, <c>minor</c> or <c>write_protect</c>.</summary>
    public const string FaultKindTag = "uffd.fault.kind";

    /// <summary>How a page was installed: <c>filled</c> (by the provider), <c>zero</c> or <c>poisoned</c>.</summary>
    public const string PageFillTag = "uffd.page.fill";
}
