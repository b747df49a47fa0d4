namespace Uffd.Torture;

/// <summary>The names of the access paths, as the result lines print them.</summary>
internal static class AccessPath
{
    public const string AsSpan = "AsSpan()";
    public const string AsSpanRange = "AsSpan(o,l)";
    public const string AsReadOnlySpan = "AsReadOnlySpan()";
    public const string AsReadOnlySpanRange = "AsReadOnlySpan(o,l)";
    public const string LeaseRange = "LeaseSpan(o,l)+Protect";
    public const string LeaseWhole = "LeaseSpan()+Protect";
    public const string Read = "Read";
    public const string Write = "Write";
    public const string Prefault = "Prefault+span";
    public const string Collect = "CollectWrittenPages";
    public const string Alias = "AliasSpan";
    public const string ProviderReadsOther = "provider-reads-other";
    public const string RawSpan = "raw-span";

    /// <summary>Paths through which the workers write their stamps into every page they visit.</summary>
    public static bool Writes(string path) =>
        path is AsSpan or AsSpanRange or LeaseRange or LeaseWhole or Write or Prefault or Collect;
}
