// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.LocalFunctionNeverWoken;

/// <summary>A local function installs quietly; the method that calls it returns without waking.</summary>
public static class TileLoader
{
    public static int LoadTiles(Userfaultfd uffd, nint first, int tiles, int pageSize, Func<int, byte[]> render)
    {
        int ok = 0;
        for (int tile = 0; tile < tiles; tile++)
        {
            if (Install(first + tile * pageSize, render(tile)))
            {
                ok++;
            }
        }

        return ok;

        bool Install(nint page, byte[] pixels) =>
            uffd.Copy(page, pixels, CopyMode.DontWake).IsResolvedOrPresent;
    }
}
