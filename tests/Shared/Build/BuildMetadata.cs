using System.IO;
using System.Linq;
using System.Reflection;

namespace Uffd.Tests.Shared;

/// <summary>
/// Values the project file stamps into the test assembly that compiles this file (<c>AssemblyMetadata</c> items):
/// <c>RepositoryRoot</c> in every project that links it, others where a project adds them.
/// </summary>
internal static class BuildMetadata
{
    /// <summary>The repository the test assembly was built from.</summary>
    public static string RepositoryRoot { get; } = Path.GetFullPath(Get("RepositoryRoot"));

    /// <summary>The value of the <c>AssemblyMetadata</c> item <paramref name="key"/>.</summary>
    public static string Get(string key) => typeof(BuildMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == key).Value!;
}
