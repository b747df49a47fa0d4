using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Uffd.Generators.Tests.Infrastructure;

/// <summary>
/// Approved-file snapshots (what Verify does, in a page): <c>Snapshots/&lt;Class&gt;.&lt;Test&gt;.approved.cs</c> is the
/// reviewed output. A mismatch writes <c>.received.cs</c> next to it and fails with the first differing line. With
/// <c>UFFD_ACCEPT_SNAPSHOTS=1</c> the received text replaces the approved file, and the test still fails so that an
/// accepting run can never pass CI. Line endings are normalized and the generator version is scrubbed.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "UFFD_ACCEPT_SNAPSHOTS";

    private static readonly string SnapshotDirectory = Path.Combine(
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "Snapshots");

    public static void Match(string actual, string? name = null, [CallerFilePath] string testFile = "", [CallerMemberName] string test = "")
    {
        string baseName = $"{Path.GetFileNameWithoutExtension(testFile)}.{name ?? test}";
        string approvedPath = Path.Combine(SnapshotDirectory, baseName + ".approved.cs");
        string receivedPath = Path.Combine(SnapshotDirectory, baseName + ".received.cs");
        string received = Scrub(actual);
        string? approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : null;
        if (approved == received)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(approvedPath, received);
            File.Delete(receivedPath);
            Assert.Fail($"{baseName}: snapshot accepted; review and commit {approvedPath}");
        }

        File.WriteAllText(receivedPath, received);
        Assert.Fail(approved is null
            ? $"{baseName}: no approved snapshot. Wrote {receivedPath}; review it, then rename it to .approved.cs (or run with {AcceptVariable}=1)."
            : $"{baseName}: {FirstDifference(approved, received)}\nWrote {receivedPath}; if the change is intended, run with {AcceptVariable}=1 and review the diff.");
    }

    /// <summary>The text as stored: "\n" line endings, the generator's version replaced by "%VERSION%".</summary>
    public static string Scrub(string text) =>
        VersionPattern().Replace(Normalize(text), "GeneratedCode(\"Uffd.Generators\", \"%VERSION%\")");

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FirstDifference(string approved, string received)
    {
        string[] expected = approved.Split('\n');
        string[] actual = received.Split('\n');
        for (int i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            string? e = i < expected.Length ? expected[i] : null;
            string? a = i < actual.Length ? actual[i] : null;
            if (e != a)
            {
                return $"first difference at line {i + 1}:\n  approved: {e ?? "<end of file>"}\n  received: {a ?? "<end of file>"}";
            }
        }

        return "texts differ";
    }

    [GeneratedRegex("GeneratedCode\\(\"Uffd\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
