using System.Reflection;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>Values the project file stamps into this test assembly (<c>AssemblyMetadata</c>).</summary>
internal static class BuildMetadata
{
    /// <summary>The repository this test assembly was built from.</summary>
    public static string RepositoryRoot { get; } = Get("RepositoryRoot");

    /// <summary>The repository URL the help links point into.</summary>
    public static string RepositoryUrl { get; } = Get("RepositoryUrl");

    private static string Get(string key) => typeof(BuildMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == key).Value!;
}
