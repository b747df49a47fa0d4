namespace Uffd.Benchmarks.Reporting;

/// <summary>One performance target (docs/performance.md, "Targets") and what this run measured against it.</summary>
internal sealed record Target(string Goal, string Measured, bool Met);
