using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Uffd;

/// <summary>
/// This process's <c>/proc/self/smaps</c>, kept open from the first registration on: revoking access when a uffd
/// closes must read it, and that happens in Dispose, where a process at its descriptor limit could no longer open it
/// (the ranges then stayed accessible and their missing pages read as zeros). One descriptor for the process's
/// lifetime, read from offset 0 each time: the kernel walks the mappings afresh on every read from the start.
/// </summary>
internal static class SmapsFile
{
    private const string Path = "/proc/self/smaps";
    private const int ChunkSize = 64 * 1024;

    private static readonly object Gate = new();
    private static SafeFileHandle? kept;

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
                Volatile.Write(ref kept, File.OpenHandle(Path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The file's lines, through the kept descriptor when there is one (no new descriptor needed).</summary>
    /// <exception cref="IOException">The file could not be opened or read.</exception>
    public static IEnumerable<string> ReadLines()
    {
        SafeFileHandle? handle = Volatile.Read(ref kept);
        if (handle is null)
        {
            return File.ReadLines(Path);
        }

        byte[] buffer = new byte[ChunkSize];
        var text = new MemoryStream();
        lock (Gate)
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                text.Write(buffer, 0, read);
                offset += read;
            }
        }

        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
