// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingCountdownWarmup;

/// <summary>
/// Dictionaries for the page codec are loaded by several warm-up tasks; the provider waits until all have loaded.
/// </summary>
[FaultRegion(Pages = 1024)]
public sealed partial class CodecPages
{
    private readonly CountdownEvent _warm;
    private readonly byte[][] _dictionaries;

    public CodecPages(string[] dictionaryFiles)
    {
        _dictionaries = new byte[dictionaryFiles.Length][];
        _warm = new CountdownEvent(dictionaryFiles.Length);
        for (int i = 0; i < dictionaryFiles.Length; i++)
        {
            int index = i;
            Task.Run(() =>
            {
                _dictionaries[index] = File.ReadAllBytes(dictionaryFiles[index]);
                _warm.Signal();
            });
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        _warm.Wait();
        byte[] dictionary = _dictionaries[pageIndex % _dictionaries.Length];
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = dictionary.Length == 0 ? (byte)0 : dictionary[(int)((pageIndex + i) % dictionary.Length)];
        }
    }
}
