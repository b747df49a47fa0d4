using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Uffd.Package.Tests.Infrastructure;

namespace Uffd.Package.Tests;

/// <summary>
/// What a user of the UffdGen package gets, proven on the package itself: <c>dotnet pack UffdGen.sln</c> makes exactly
/// one package, and tests/PackageConsumer, with nothing but a PackageReference to it, builds with no warning, runs a
/// generated region, gets the analyzers' UFFD0001 for a bad declaration, and publishes with NativeAOT from the command
/// line to a native binary that runs; tests/PackageConsumer/Strict, every unusual declaration the generator must
/// survive, builds under <c>AnalysisLevel=latest-all</c> with warnings as errors at the SDK's C# and at C# 8.
/// </summary>
public sealed class PackageConsumerTests(PackedRepository packed) : IClassFixture<PackedRepository>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);
    // Measured at about 15 s on 2 cores with a warm registry; the bound leaves room for a slow download of the
    // runtime and ILCompiler packs into the empty packages folder and for a machine busy with other tests.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void Pack_makes_exactly_the_UffdGen_package_and_no_warning()
    {
        packed.AssertPacked();
        Assert.True(packed.Pack.Warnings.Length == 0, $"dotnet pack warned:\n{packed.Pack}");

        // Nothing else in the solution is packable: no test, sample or src project makes a package of its own.
        string[] packages = Directory.GetFiles(packed.PackageFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal([$"UffdGen.{PackedRepository.Version}.nupkg", $"UffdGen.{PackedRepository.Version}.snupkg"], packages);

        using ZipArchive package = ZipFile.OpenRead(Path.Combine(packed.PackageFolder, packages[0]));
        string[] files = package.Entries.Select(e => e.FullName)
            .Where(f => !f.StartsWith("_rels/", StringComparison.Ordinal) && !f.StartsWith("package/", StringComparison.Ordinal) && f != "[Content_Types].xml")
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            new[]
            {
                "LICENSE",
                "README.md",
                "UffdGen.nuspec",
                // The compiler of every project that references the package loads these; code fixes only an IDE uses.
                "analyzers/dotnet/cs/Uffd.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/Uffd.Analyzers.dll",
                "analyzers/dotnet/cs/Uffd.Generators.dll",
                "lib/net10.0/Uffd.Runtime.dll",
                "lib/net10.0/Uffd.Runtime.xml",
            },
            files);

        XDocument nuspec = XDocument.Load(package.GetEntry("UffdGen.nuspec")!.Open());
        XElement metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);
        Assert.Equal("UffdGen", Value("id"));
        Assert.Equal(PackedRepository.Version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", (string?)Element("license").Attribute("type"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal(PackedRepository.RepositoryUrl, (string?)Element("repository").Attribute("url"));
        Assert.Equal(PackedRepository.RepositoryUrl, Value("projectUrl"));
        Assert.Contains("userfaultfd", Value("tags").Split(' '));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        // The generator and analyzers are inside, not dependencies; the runtime needs nothing but the framework.
        Assert.DoesNotContain(Element("dependencies").Descendants(), e => e.Name.LocalName == "dependency");

        using ZipArchive symbols = ZipFile.OpenRead(Path.Combine(packed.PackageFolder, packages[1]));
        Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/Uffd.Runtime.pdb");
    }

    [Fact]
    // Root only: the consumer is the README's example, whose region keeps the default UserModeOnly = Forbid, and a uffd
    // that serves kernel-mode faults needs CAP_SYS_PTRACE while vm.unprivileged_userfaultfd is 0.
    [Trait("Requires", "root")]
    public void The_consumer_builds_with_no_warning_and_runs_a_generated_region()
    {
        packed.AssertPacked();
        CommandResult build = packed.DotnetInConsumer("Letters", BuildTimeout, "build", "-tl:off", "-clp:Summary", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, build.ToString());
        // TreatWarningsAsErrors covers the compiler (CS8032 for an analyzer that cannot load included); MSBuild's own
        // warnings are counted here.
        Assert.True(build.Warnings.Length == 0 && build.Output.Contains("0 Warning(s)", StringComparison.Ordinal), build.ToString());
        // Restored from the package just packed, into the consumer's own, initially empty, packages folder.
        Assert.True(Directory.Exists(Path.Combine(packed.NuGetPackages, "uffdgen", PackedRepository.Version)), build.ToString());

        AssertLettersRan(packed.DotnetInConsumer("Letters", RunTimeout, "run", "--no-build"));
    }

    [Fact]
    public void A_non_partial_region_gets_UFFD0001_from_the_package_with_a_help_link_that_resolves()
    {
        packed.AssertPacked();
        CommandResult build = packed.DotnetInConsumer("NotPartial", BuildTimeout, "build", "-tl:off", "-clp:Summary", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode != 0, $"the build should have failed:\n{build}");

        string[] errors = build.Lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToArray();
        string link = $"{PackedRepository.RepositoryUrl}/blob/main/docs/diagnostics/UFFD0001.md";
        Assert.True(errors.Length > 0 && errors.All(e =>
                e.Contains("error UFFD0001: The [FaultRegion] class 'Letters' must be partial", StringComparison.Ordinal) &&
                e.Contains($"({link})", StringComparison.Ordinal)),
            $"expected UFFD0001 with its help link {link}, and no other error:\n{build}");
        // The page the link names is in the repository, where the link points.
        Assert.True(File.Exists(Path.Combine(PackedRepository.RepositoryRoot, "docs", "diagnostics", "UFFD0001.md")));
    }

    [Theory]
    // The SDK's default C# (the generated code uses everything the emitter writes) and C# 8 (IntPtr instead of nint,
    // no 'not' pattern; the Modern folder of C# 9/10 containers is left out). C# 7.2 to 12 are also compiled in memory
    // by tests/Uffd.Generators.Tests (Robustness/LanguageVersionTests).
    [InlineData(null, 19)]
    [InlineData("8", 17)]
    public void Every_unusual_declaration_builds_under_latest_all_analysis_with_warnings_as_errors(string? langVersion, int regions)
    {
        packed.AssertPacked();
        // Under obj/, which the SDK leaves out of the project's sources (a folder beside them would be compiled again).
        string generated = Path.Combine("obj", "generated-" + (langVersion ?? "default"));
        var args = new List<string>
        {
            "build", "--no-incremental", "-tl:off", "-clp:Summary", "-p:UseSharedCompilation=false",
            "-p:EmitCompilerGeneratedFiles=true", $"-p:CompilerGeneratedFilesOutputPath={generated}",
        };
        if (langVersion is not null)
        {
            args.Add($"-p:LangVersion={langVersion}");
        }

        CommandResult build = packed.DotnetInConsumer("Strict", BuildTimeout, args.ToArray());
        // TreatWarningsAsErrors and AnalysisLevel=latest-all: any CA rule, compiler warning (inside a .g.cs or not), a
        // generator or analyzer that does not load in this SDK's compiler (CS8032, CS8784, CS9057) or throws (AD0001,
        // CS8785) fails the build.
        Assert.True(build.ExitCode == 0 && build.Warnings.Length == 0 && build.Output.Contains("0 Warning(s)", StringComparison.Ordinal),
            build.ToString());
        string[] loadOrCrash = { "CS8032", "CS8784", "CS8785", "CS9057", "AD0001" };
        Assert.DoesNotContain(build.Lines, l => loadOrCrash.Any(id => l.Contains(id, StringComparison.Ordinal)));
        // The generator ran in the SDK's compiler and wrote every region, none skipped.
        string[] files = Directory.GetFiles(Path.Combine(packed.Consumer, "Strict", generated), "*.FaultRegion.g.cs", SearchOption.AllDirectories);
        Assert.True(files.Length == regions, $"{files.Length} generated regions instead of {regions}:\n{string.Join("\n", files)}\n{build}");
    }

    [Fact]
    // Root only: the consumer is the README's example, whose region keeps the default UserModeOnly = Forbid, and a uffd
    // that serves kernel-mode faults needs CAP_SYS_PTRACE while vm.unprivileged_userfaultfd is 0.
    [Trait("Requires", "root")]
    public void A_command_line_NativeAOT_publish_makes_a_native_binary_that_runs_the_region()
    {
        packed.AssertPacked();
        string rid = PackedRepository.RuntimeIdentifier;
        CommandResult publish = packed.DotnetInConsumer("Letters", PublishTimeout,
            "publish", "-c", "Release", "-r", rid, "-p:PublishAot=true", "-tl:off", "-clp:Summary", "-p:UseSharedCompilation=false");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        // No trimming or AOT warning from the runtime or the generated code either.
        Assert.True(publish.Warnings.Length == 0 && publish.Output.Contains("0 Warning(s)", StringComparison.Ordinal), publish.ToString());

        string folder = Path.Combine(packed.Consumer, "Letters", "bin", "Release", "net10.0", rid, "publish");
        string binary = Path.Combine(folder, "Letters");
        Assert.True(File.Exists(binary), $"{binary} is missing:\n{publish}");
        // Native code, not an apphost that loads Letters.dll: an ELF file alone in the folder with its symbols.
        Assert.False(File.Exists(Path.Combine(folder, "Letters.dll")), $"{folder} holds a managed Letters.dll: not a NativeAOT publish");
        byte[] magic = new byte[4];
        using (FileStream stream = File.OpenRead(binary))
        {
            stream.ReadExactly(magic);
        }

        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, magic);

        AssertLettersRan(Dotnet.Run(binary, [], folder, RunTimeout));
    }

    /// <summary>The consumer's output: page 5 of the README's Letters region, filled once, by this package's runtime.</summary>
    private static void AssertLettersRan(CommandResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Lines;
        Assert.True(lines.Length == 3, run.ToString());
        Assert.Equal("page 5: f", lines[0]);
        Assert.Equal("pages filled: 1", lines[1]);
        // The informational version carries the commit when the package was built in a git clone.
        Assert.Matches($"^UffdGen {Regex.Escape(PackedRepository.Version)}(\\+[0-9a-f]+)?$", lines[2]);
    }
}
