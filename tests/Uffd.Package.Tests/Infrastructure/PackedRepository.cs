using System.Reflection;
using System.Runtime.InteropServices;
using Uffd.Tests.Shared;

namespace Uffd.Package.Tests.Infrastructure;

/// <summary>
/// Packs the repository once per test class, the documented way (<c>dotnet pack UffdGen.sln -c Release</c>), into a
/// temporary folder laid out like the repository: the package in <c>artifacts/package</c>, a copy of
/// tests/PackageConsumer in <c>tests/PackageConsumer</c>, so the consumer's own NuGet.config finds it unchanged. The
/// build goes to the temporary folder too (<c>--artifacts-path</c>): nothing of the working tree's bin/ and obj/ is
/// reused or touched.
/// </summary>
public sealed class PackedRepository : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    public PackedRepository()
    {
        Root = Directory.CreateTempSubdirectory("uffdgen-package-").FullName;
        PackageFolder = Path.Combine(Root, "artifacts", "package");
        Consumer = Path.Combine(Root, "tests", "PackageConsumer");
        NuGetPackages = Path.Combine(Root, "nuget-packages");

        Pack = Dotnet.Run("dotnet",
            ["pack", Path.Combine(RepositoryRoot, "UffdGen.sln"), "-c", "Release", "-tl:off", "-clp:Summary",
             "--artifacts-path", Path.Combine(Root, "build"), $"-p:PackageOutputPath={PackageFolder}/",
             "-p:UseSharedCompilation=false"],
            RepositoryRoot, PackTimeout);

        CopyConsumer(Path.Combine(RepositoryRoot, "tests", "PackageConsumer"), Consumer);
        // The SDK the repository asks for, as the consumer would find it in the repository.
        File.Copy(Path.Combine(RepositoryRoot, "global.json"), Path.Combine(Root, "global.json"));
    }

    public static string RepositoryRoot => BuildMetadata.RepositoryRoot;

    /// <summary>The RepositoryUrl property of Directory.Build.props.</summary>
    public static string RepositoryUrl { get; } = BuildMetadata.Get("RepositoryUrl");

    /// <summary>The VersionPrefix property of Directory.Build.props: the package's version.</summary>
    public static string Version { get; } = BuildMetadata.Get("PackageVersion");

    /// <summary>The runtime identifier of this machine, for the NativeAOT publish.</summary>
    public static string RuntimeIdentifier { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "linux-x64",
        Architecture.Arm64 => "linux-arm64",
        Architecture other => throw new PlatformNotSupportedException($"UffdGen supports x64 and arm64, not {other}"),
    };

    public string Root { get; }

    public string PackageFolder { get; }

    /// <summary>The copy of tests/PackageConsumer (its NuGet.config, Directory.Build.props and projects).</summary>
    public string Consumer { get; }

    /// <summary>
    /// The consumer's NuGet packages folder, empty at first: a package of the same version restored earlier into the
    /// user's folder (~/.nuget/packages) would otherwise stand in for the one just packed.
    /// </summary>
    public string NuGetPackages { get; }

    public CommandResult Pack { get; }

    /// <summary>Fails the test, with the pack's output, unless the pack succeeded.</summary>
    public void AssertPacked() => Assert.True(Pack.ExitCode == 0, $"dotnet pack failed:\n{Pack}");

    /// <summary>Runs the dotnet CLI in a consumer project's folder with the consumer's own packages folder.</summary>
    public CommandResult DotnetInConsumer(string project, TimeSpan timeout, params string[] args) =>
        Dotnet.Run("dotnet", args, Path.Combine(Consumer, project), timeout,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = NuGetPackages });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is no failure of the package.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyConsumer(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is "bin" or "obj"))
            {
                continue; // a build of the consumer inside the working tree
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
