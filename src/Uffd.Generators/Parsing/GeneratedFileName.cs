using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Uffd.Generators.Parsing;

/// <summary>
/// The name of a region's generated file, without its suffix: "Namespace.Outer.Class". Built from the symbols'
/// unescaped names, since AddSource throws on a character such as the '@' of an escaped keyword (and a throwing
/// generator loses every region of the compilation), and cut with a hash of the full name when it is long, since a
/// name of several hundred characters makes a path the compiler cannot write (CS0016).
/// </summary>
internal static class GeneratedFileName
{
    /// <summary>
    /// The longest name kept whole, in UTF-8 bytes (file systems count bytes: 255 on Linux, and a name of 100 CJK
    /// characters is 300); with the suffix, a file name stays well under 255.
    /// </summary>
    private const int MaxLength = 100;

    public static string For(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol or INamespaceSymbol { IsGlobalNamespace: false }; symbol = symbol.ContainingSymbol)
        {
            parts.Insert(0, symbol.Name);
        }

        string full = string.Join(".", parts);
        var safe = new StringBuilder(full.Length);
        foreach (char c in full)
        {
            // Letters and digits of any script are valid in a hint name; anything else becomes '_'.
            safe.Append(char.IsLetterOrDigit(c) || c is '_' or '.' ? c : '_');
        }

        if (Encoding.UTF8.GetByteCount(safe.ToString()) <= MaxLength)
        {
            return safe.ToString();
        }

        // Cut, then tell apart names that share the cut prefix by a hash of the whole name (stable across runs and
        // machines, unlike string.GetHashCode). Names equal even so are numbered by the output stage. No surrogate
        // pair is cut in half: a surrogate is not a letter, so it became '_' above.
        int length = 0;
        for (int bytes = 0; length < safe.Length; length++)
        {
            bytes += Encoding.UTF8.GetByteCount(safe.ToString(length, 1));
            if (bytes > MaxLength - 9)
            {
                break;
            }
        }

        return safe.ToString(0, length) + "." + Fnv1a(full).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }
}
