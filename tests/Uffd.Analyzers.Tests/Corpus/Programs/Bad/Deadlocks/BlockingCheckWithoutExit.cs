// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingCheckWithoutExit;

/// <summary>
/// The provider notices that the dictionary has not loaded yet, logs it - and then reads the result anyway.
/// </summary>
[FaultRegion(Pages = 256)]
public sealed partial class DictionaryPages(string dictionaryPath)
{
    private readonly Task<byte[]> _dictionary = File.ReadAllBytesAsync(dictionaryPath);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (!_dictionary.IsCompleted)
        {
            Console.Error.WriteLine($"page {pageIndex} faulted before the dictionary loaded");
        }

        byte[] dictionary = _dictionary.Result;
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = dictionary[(int)((pageIndex * page.Length + i) % dictionary.Length)];
        }
    }
}
