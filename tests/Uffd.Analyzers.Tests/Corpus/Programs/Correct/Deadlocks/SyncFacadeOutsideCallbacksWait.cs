using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.SyncFacadeOutsideCallbacksWait;

/// <summary>
/// A region with both an async and a synchronous loading API for its callers. The synchronous facade blocks its caller
/// (the application's startup thread), never a handler thread: the provider only reads what was loaded.
/// </summary>
[FaultRegion(Pages = 128)]
public sealed partial class PreloadedAssets
{
    private readonly Dictionary<long, byte[]> _assets = new();

    public async Task LoadAsync(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*.asset"))
        {
            long page = long.Parse(Path.GetFileNameWithoutExtension(file));
            byte[] bytes = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
            lock (_assets)
            {
                _assets[page] = bytes;
            }
        }
    }

    public void Load(string directory) => LoadAsync(directory).GetAwaiter().GetResult();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[]? bytes;
        lock (_assets)
        {
            _assets.TryGetValue(pageIndex, out bytes);
        }

        if (bytes is null)
        {
            page.Clear();
            return;
        }

        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}

public static class Startup
{
    public static void Main(string[] args)
    {
        using var assets = new PreloadedAssets();
        assets.Load(args.Length > 0 ? args[0] : ".");
        assets.Open();
        Console.WriteLine(assets.AsReadOnlySpan(0, 16).ToArray().Length);
    }
}
