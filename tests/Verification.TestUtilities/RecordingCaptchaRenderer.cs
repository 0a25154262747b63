using System.Collections.Concurrent;
using Verification.Captcha.Image;

namespace Verification.TestUtilities;

/// <summary>
/// An image-captcha renderer that draws nothing: it returns fixed bytes (<see cref="Png"/>) and records the text it
/// was asked to draw, so that a test can solve its own challenge.
/// </summary>
public sealed class RecordingCaptchaRenderer : ICaptchaImageRenderer
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x01, 0x02, 0x03];

    private readonly ConcurrentQueue<string> _texts = new();

    /// <summary>Every text drawn, in order.</summary>
    public IReadOnlyList<string> Texts => [.. _texts];

    /// <summary>The text drawn last (the key of the newest challenge); empty before any.</summary>
    public string Last => _texts.LastOrDefault() ?? string.Empty;

    public byte[] RenderPng(string text)
    {
        _texts.Enqueue(text);
        return [.. Png];
    }

    /// <summary>A key of the alphabet that differs from <paramref name="key"/> in its first character.</summary>
    public static string WrongKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var alphabet = ImageCaptchaAlphabet.Characters;
        var other = alphabet[(alphabet.IndexOf(key[0], StringComparison.Ordinal) + 1) % alphabet.Length];
        return other + key[1..];
    }
}
