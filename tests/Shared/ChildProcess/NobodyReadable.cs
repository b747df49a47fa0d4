using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Uffd.Tests.Shared;

/// <summary>
/// Copies of the apps (and, if needed, of the runtime) that user nobody can read. The test output directory may sit
/// in a tree nobody cannot traverse (a clone under /root), so apps always run from a fresh 0755 directory in /tmp.
/// </summary>
internal static class NobodyReadable
{
    private static readonly object Gate = new();
    private static readonly Lazy<string> Root = new(CreateRoot);
    private static readonly Lazy<string> Host = new(ReachableHost);
    private static readonly HashSet<string> Copied = new(StringComparer.Ordinal);

    /// <summary>A dotnet muxer nobody can execute: the installed one if reachable, else a copy of this runtime.</summary>
    public static string DotnetHost => Host.Value;

    /// <summary>The path of a nobody-readable copy of <c>app.dll</c> with its runtimeconfig, deps and Uffd.Runtime.dll.</summary>
    public static string App(string app)
    {
        lock (Gate)
        {
            if (Copied.Add(app))
            {
                foreach (string file in new[] { app + ".dll", app + ".runtimeconfig.json", app + ".deps.json", "Uffd.Runtime.dll" })
                {
                    CopyReadable(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(Root.Value, file));
                }
            }

            return Path.Combine(Root.Value, app + ".dll");
        }
    }

    /// <summary>True when every directory above <paramref name="path"/> is searchable by others and the file is readable.</summary>
    public static bool OthersCanReach(string path, UnixFileMode need)
    {
        var file = new FileInfo(path);
        if ((file.UnixFileMode & need) != need)
        {
            return false;
        }

        for (DirectoryInfo? dir = file.Directory; dir is not null; dir = dir.Parent)
        {
            if ((dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string ReachableHost()
    {
        string installed = Child.DotnetHost;
        string framework = RuntimeEnvironment.GetRuntimeDirectory();
        if (OthersCanReach(installed, UnixFileMode.OtherExecute) &&
            OthersCanReach(Path.Combine(framework, "System.Private.CoreLib.dll"), UnixFileMode.OtherRead))
        {
            return installed;
        }

        // A private install (e.g. /root/.dotnet): copy the muxer, hostfxr and the running framework.
        string dotnetRoot = Path.GetDirectoryName(installed)!;
        string target = Path.Combine(Root.Value, "dotnet-root");
        CopyTree(Path.Combine(dotnetRoot, "host"), Path.Combine(target, "host"));
        string frameworkDir = Path.GetFullPath(framework).TrimEnd('/');
        CopyTree(frameworkDir, Path.Combine(target, "shared", "Microsoft.NETCore.App", Path.GetFileName(frameworkDir)));
        string muxer = Path.Combine(target, "dotnet");
        CopyReadable(installed, muxer);
        File.SetUnixFileMode(muxer, Mode755);
        return muxer;
    }

    private const UnixFileMode Mode755 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static string CreateRoot()
    {
        // CreateTempSubdirectory makes it 0700; nobody must be able to enter it.
        DirectoryInfo dir = Directory.CreateTempSubdirectory("uffd-ladder-");
        File.SetUnixFileMode(dir.FullName, Mode755);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir.FullName;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, Mode755);
        foreach (string dir in Directory.GetDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }

        foreach (string file in Directory.GetFiles(from))
        {
            CopyReadable(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static void CopyReadable(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }
}
