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
    /// <summary>The longest name kept whole; with the suffix, a file name stays well under 255 characters.</summary>
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

        if (safe.Length <= MaxLength)
        {
            return safe.ToString();
        }

        // Cut, then tell apart names that share the cut prefix by a hash of the whole name (stable across runs and
        // machines, unlike string.GetHashCode). Names equal even so are numbered by the output stage.
        return safe.ToString(0, MaxLength - 9) + "." + Fnv1a(full).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
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
