using System;
using System.IO;

namespace Uffd.Benchmarks.Reporting;

/// <summary>Replaces the generated part of docs/performance.md, between its two marker comments.</summary>
internal static class DocsUpdater
{
    public const string Begin = "<!-- results:begin (written by bench/run.sh --update-docs) -->";
    public const string End = "<!-- results:end -->";

    public static void Update(string path, string results)
    {
        string text = File.ReadAllText(path);
        int begin = text.IndexOf(Begin, StringComparison.Ordinal);
        int end = text.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{path} has no '{Begin}' ... '{End}' block to replace.");
        }

        string updated = text[..(begin + Begin.Length)] + Environment.NewLine + Environment.NewLine + results.TrimEnd() +
                         Environment.NewLine + Environment.NewLine + text[end..];
        File.WriteAllText(path, updated);
    }
}
