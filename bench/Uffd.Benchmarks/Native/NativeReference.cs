using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Uffd.Benchmarks.Native;

/// <summary>
/// The C reference handler (bench/native/libuffdref.so), loaded into this process so that BenchmarkDotNet measures
/// its scenarios with the same harness, statistics and machine state as the generated regions.
/// </summary>
internal static partial class NativeReference
{
    private const string Library = "uffdref";

    /// <summary>Environment variable bench/run.sh sets to the library's absolute path.</summary>
    public const string PathVariable = "UFFD_REF_LIB";

    static NativeReference() => NativeLibrary.SetDllImportResolver(typeof(NativeReference).Assembly, Resolve);

    [LibraryImport(Library, EntryPoint = "uffd_ref_prepare", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Prepare(string name, nuint pages);

    [LibraryImport(Library, EntryPoint = "uffd_ref_execute")]
    private static partial nint Execute(nint run);

    [LibraryImport(Library, EntryPoint = "uffd_ref_finish")]
    private static partial int Finish(nint run);

    [LibraryImport(Library, EntryPoint = "uffd_ref_error")]
    private static partial nint Error();

    [LibraryImport(Library, EntryPoint = "uffd_ref_scenario_count")]
    public static partial int ScenarioCount();

    /// <summary>Untimed set-up of one run; throws with the library's message on failure.</summary>
    public static nint PrepareRun(string scenario, long pages)
    {
        nint run = Prepare(scenario, (nuint)pages);
        return run != 0 ? run : throw Failure($"prepare {scenario}");
    }

    /// <summary>The timed part: the faults of one run. Returns the pages faulted.</summary>
    public static long ExecuteRun(nint run, string scenario)
    {
        long pages = Execute(run);
        return pages >= 0 ? pages : throw Failure($"execute {scenario}");
    }

    /// <summary>Untimed tear-down and content checks; the run is freed either way.</summary>
    public static void FinishRun(nint run, string scenario)
    {
        if (Finish(run) != 0)
        {
            throw Failure($"finish {scenario}");
        }
    }

    private static InvalidOperationException Failure(string step) =>
        new($"C reference, {step}: {Marshal.PtrToStringUTF8(Error())}");

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return 0;
        }

        string? path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path))
        {
            path = FindInRepository();
        }

        if (path is null || !File.Exists(path))
        {
            throw new DllNotFoundException(
                $"libuffdref.so not found ({PathVariable}={path ?? "unset"}). Build it with bench/native/build.sh, or run bench/run.sh, which does.");
        }

        return NativeLibrary.Load(path);
    }

    // BenchmarkDotNet runs each benchmark from a generated project under this project's bin folder, so walking up
    // from the application's folder finds the repository's bench/native from either process.
    private static string? FindInRepository()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "native", "libuffdref.so");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
