using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.PatternCheckedWait;

/// <summary>A source of fonts that loads glyph atlases asynchronously.</summary>
public interface IAtlasLoader
{
    Task<byte[]> LoadAsync(int atlas);
}

/// <summary>
/// Glyph pages rendered from atlases that load in the background. The provider uses an atlas only once its task has
/// completed successfully (a property pattern), and draws a placeholder glyph until then.
/// </summary>
[FaultRegion(Pages = 256)]
public sealed partial class GlyphPages(IAtlasLoader loader)
{
    private const int Atlases = 8;
    private readonly Dictionary<int, Task<byte[]>> _atlases = new();
    private readonly object _gate = new();

    private Task<byte[]> AtlasTask(int atlas)
    {
        lock (_gate)
        {
            if (!_atlases.TryGetValue(atlas, out Task<byte[]>? task))
            {
                task = loader.LoadAsync(atlas);
                _atlases.Add(atlas, task);
            }

            return task;
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Task<byte[]> atlas = AtlasTask((int)(pageIndex % Atlases));
        if (atlas is { IsCompletedSuccessfully: true })
        {
            byte[] glyphs = atlas.Result;
            for (int i = 0; i < page.Length; i++)
            {
                page[i] = glyphs.Length == 0 ? (byte)0 : glyphs[(int)((pageIndex * 131 + i) % glyphs.Length)];
            }
        }
        else
        {
            page.Fill(0x7F); // placeholder glyph until the atlas has loaded
        }
    }
}
