using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Uffd.Tests.Shared;

/// <summary>
/// References for in-memory compilations: the shared framework this test host runs on (offline, no reference-pack
/// download), so code is compiled against what it runs on, and Uffd.Runtime.
/// </summary>
internal static class HostReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyFramework = new(() =>
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory && path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyFrameworkAndRuntime =
        new(() => LazyFramework.Value.Add(MetadataReference.CreateFromFile(typeof(FaultMode).Assembly.Location)));

    /// <summary>Every assembly of the shared framework the test host runs on.</summary>
    public static ImmutableArray<MetadataReference> Framework => LazyFramework.Value;

    /// <summary>The framework and Uffd.Runtime.</summary>
    public static ImmutableArray<MetadataReference> FrameworkAndRuntime => LazyFrameworkAndRuntime.Value;
}
