using System;

namespace Uffd.Torture;

/// <summary>Lines on stdout, flushed one by one: the parent's watchdog reads them as they come.</summary>
internal static class Output
{
    private static readonly object Gate = new();

    public static void Line(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
