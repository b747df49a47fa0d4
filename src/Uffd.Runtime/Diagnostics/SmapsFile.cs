using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace Uffd;

/// <summary>
/// This process's <c>/proc/self/smaps</c>, kept open (<see cref="ProcFile"/>) from the first registration on:
/// revoking access when a uffd closes must read it, and that happens in Dispose, where a process at its descriptor
/// limit could no longer open it (the ranges then stayed accessible and their missing pages read as zeros). One
/// descriptor for the process's lifetime.
/// </summary>
internal static class SmapsFile
{
    private const string Path = "/proc/self/smaps";

    private static readonly object Gate = new();
    private static ProcFile? kept;

    /// <summary>Opens the file once, if it can; a process without /proc simply has nothing to read later.</summary>
    public static void KeepOpen()
    {
        if (Volatile.Read(ref kept) is not null)
        {
            return;
        }

        lock (Gate)
        {
            if (kept is not null)
            {
                return;
            }

            try
            {
                Volatile.Write(ref kept, ProcFile.Open(Path));
            }
            catch (UffdException)
            {
            }
        }
    }

    /// <summary>The file's lines, through the kept descriptor when there is one (no new descriptor needed).</summary>
    /// <exception cref="IOException">The file could not be opened or read.</exception>
    public static IEnumerable<string> ReadLines()
    {
        ProcFile? file = Volatile.Read(ref kept);
        if (file is null)
        {
            return File.ReadLines(Path);
        }

        string text;
        try
        {
            // One reader at a time: concurrent preads of one seq_file descriptor would restart each other's walk.
            lock (Gate)
            {
                text = file.ReadAll();
            }
        }
        catch (UffdException e)
        {
            throw new IOException(e.Message, e);
        }

        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
