using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>
/// References for test compilations: the shared framework this host runs on (offline, no reference-pack download)
/// plus Uffd.Runtime, which declares the attributes and APIs the analyzers inspect.
/// </summary>
internal static class TestReferences
{
    /// <summary>An empty reference set: the framework comes from <see cref="All"/> instead of a NuGet package.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    /// <summary>The framework and Uffd.Runtime.</summary>
    public static ImmutableArray<MetadataReference> All => HostReferences.FrameworkAndRuntime;
}
