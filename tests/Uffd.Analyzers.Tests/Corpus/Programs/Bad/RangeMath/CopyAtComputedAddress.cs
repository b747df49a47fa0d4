// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.CopyAtComputedAddress;

public static class Preload
{
    /// <summary>Copies page images into a registered mapping before the program touches it.</summary>
    public static void Load(Userfaultfd uffd, UffdMemory memory, byte[][] images)
    {
        for (int index = 0; index < images.Length; index++)
        {
            UffdResult result = uffd.Copy(memory.Address + (nint)(index * 4096L), images[index]);
            if (!result.IsResolvedOrPresent)
            {
                throw new InvalidOperationException($"page {index}: {result}");
            }
        }
    }
}
