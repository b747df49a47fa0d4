namespace Uffd.Benchmarks.Reporting;

/// <summary>One target of issue 6 and what this run measured against it.</summary>
internal sealed record Target(string Goal, string Measured, bool Met);
