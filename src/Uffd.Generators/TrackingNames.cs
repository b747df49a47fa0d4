namespace Uffd.Generators;

/// <summary>Names of the pipeline's steps, for <c>WithTrackingName</c> and the incrementality tests.</summary>
internal static class TrackingNames
{
    /// <summary>Each <c>[FaultRegion]</c> declaration parsed into a model, or null when it is invalid.</summary>
    public const string ParseRegion = nameof(ParseRegion);

    /// <summary>The valid models only.</summary>
    public const string ValidRegions = nameof(ValidRegions);

    /// <summary>Each model turned into its file name and source text.</summary>
    public const string EmitRegion = nameof(EmitRegion);

    /// <summary>All emitted files, gathered to give each a unique file name.</summary>
    public const string CollectSources = nameof(CollectSources);
}
