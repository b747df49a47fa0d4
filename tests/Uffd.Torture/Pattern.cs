using System;
using System.Runtime.InteropServices;

namespace Uffd.Torture;

/// <summary>
/// What every page must hold. A page is 8-byte words: words [0, <see cref="Slots"/>) are writer slots (worker w
/// writes its stamp into slot w), every other word is the page's content, <see cref="Word"/> of its seed, page index
/// and word index (all zeros for seed 0, the content of a region nobody fills).
/// </summary>
internal static class Pattern
{
    /// <summary>Writer slots at the start of every page; the workers of a round are at most this many.</summary>
    public const int Slots = 8;

    /// <summary>The word a Minor region's provider writes itself (the page cache holds the rest before the fault).</summary>
    public const int ProviderWord = Slots;

    public static ulong Word(ulong seed, long page, int index) =>
        seed == 0 ? 0 : Mix(seed ^ ((ulong)page << 24) ^ (ulong)index);

    /// <summary>What worker <paramref name="worker"/> writes into its slot of a page; never a content word, never 0.</summary>
    public static ulong Stamp(ulong stampSeed, long page, int worker) =>
        Mix(~stampSeed ^ ((ulong)page << 24) ^ ((ulong)(worker + 1) << 56)) | 1;

    /// <summary>Fills a page with its content (slots included: a slot holds content until its worker writes it).</summary>
    public static void Fill(Span<byte> page, ulong seed, long index)
    {
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(page);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = Word(seed, index, i);
        }
    }

    /// <summary>
    /// Checks a page: every content word, and every slot holding either its content word or its worker's stamp (all
    /// of the first <paramref name="stampedSlots"/> slots must hold their stamp). Null, or what is wrong.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> page, ulong seed, ulong stampSeed, long index, int stampedSlots = 0)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(page);
        for (int i = 0; i < Slots; i++)
        {
            // Read once: another worker may be writing its stamp into this slot right now.
            ulong value = words[i];
            ulong stamp = Stamp(stampSeed, index, i);
            if (value != stamp && (i < stampedSlots || value != Word(seed, index, i)))
            {
                return $"page {index} slot {i} holds 0x{value:x16}, expected {(i < stampedSlots ? "" : $"0x{Word(seed, index, i):x16} or ")}the stamp 0x{stamp:x16}";
            }
        }

        for (int i = Slots; i < words.Length; i++)
        {
            ulong value = words[i];
            if (value != Word(seed, index, i))
            {
                return $"page {index} word {i} (byte {i * 8}) holds 0x{value:x16}, expected 0x{Word(seed, index, i):x16}";
            }
        }

        return null;
    }

    /// <summary>
    /// What a Minor provider does with a page the round staged through the alias (every content word but
    /// <see cref="ProviderWord"/>): counts a mismatch in <paramref name="log"/> if the page cache holds anything else,
    /// then writes the provider word in place.
    /// </summary>
    public static void CompleteStaged(Span<byte> page, RegionLog log, long index)
    {
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(page);
        for (int i = Slots; i < words.Length; i++)
        {
            if (words[i] != (i == ProviderWord ? 0 : Word(log.Seed, index, i)))
            {
                System.Threading.Interlocked.Increment(ref log.ProviderMismatches);
                break;
            }
        }

        words[ProviderWord] = Word(log.Seed, index, ProviderWord);
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
