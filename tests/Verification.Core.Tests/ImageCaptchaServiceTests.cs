using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

using Verification.Captcha.Image;

namespace Verification.Tests;

/// <summary>
/// <see cref="ImageCaptchaService"/>: challenges, answers, captcha tokens, their single use, their kinds, the
/// per-IP challenge limit and the whole captcha_required → solve → send path with <see cref="VerificationService"/>.
/// The answer is read from the fake renderer (what it was asked to draw), never from a response.
/// </summary>
public sealed partial class ImageCaptchaServiceTests
{
    // ---- Challenges ------------------------------------------------------------------------------------------

    [Fact]
    public async Task CreateChallengeAsync_Default_ReturnsPngDataUrlOfTheRenderedBytesTypeImageTokenAndExpiresIn300()
    {
        var h = new CaptchaHarness();

        var challenge = ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync());

        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, challenge.Data, StringComparison.Ordinal);
        Assert.Equal(RecordingCaptchaRenderer.Png, Convert.FromBase64String(challenge.Data[prefix.Length..]));
        Assert.Equal("image", challenge.Type);
        Assert.False(string.IsNullOrWhiteSpace(challenge.Token));
        Assert.Equal(300, challenge.ExpiresIn);
        Assert.Single(h.Renderer.Texts);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task CreateChallengeAsync_KeyLength_DrawsThatManyCharactersOfTheAlphabet(int length)
    {
        var h = new CaptchaHarness(o => o.Captcha.KeyLength = length);

        for (var i = 0; i < 10; i++)
        {
            ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync());
        }

        Assert.All(h.Renderer.Texts, text =>
        {
            Assert.Equal(length, text.Length);
            Assert.All(text, c => Assert.Contains(c.ToString(), ImageCaptchaAlphabet.Characters, StringComparison.Ordinal));
        });

        // Random keys: ten challenges do not all draw the same text.
        Assert.True(h.Renderer.Texts.Distinct(StringComparer.Ordinal).Count() > 1);
    }

    [Fact]
    public async Task CreateChallengeAsync_ChallengeToken_DoesNotCarryTheKey()
    {
        // The token is a JWT anyone can decode; it must name the stored challenge, not hold its answer.
        var h = new CaptchaHarness(o => o.Captcha.KeyLength = 6);
        var (challenge, key) = await h.ChallengeAsync();

        foreach (var part in challenge.Token.Split('.'))
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part));
            Assert.DoesNotContain(key, decoded, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(key, challenge.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChallengeAsync_StoresTheChallengeOnlyAsA32ByteHash()
    {
        var h = new CaptchaHarness();

        var (_, key) = await h.ChallengeAsync();

        var record = Assert.Single(h.Store.Saves).Record;
        Assert.Equal(32, record.CodeHash.Length);
        var hash = record.CodeHash.ToArray();
        Assert.Equal(-1, hash.AsSpan().IndexOf(Encoding.ASCII.GetBytes(key)));
        Assert.Equal(-1, hash.AsSpan().IndexOf(Encoding.ASCII.GetBytes(key.ToLowerInvariant())));
        Assert.DoesNotContain(key, record.ContactKey, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ServiceHarness.Start.AddSeconds(300), record.ExpiresAt);
    }
}

/// <summary>An <see cref="ImageCaptchaService"/> on a fake clock and an observable store, with the recording renderer.</summary>
internal sealed class CaptchaHarness
{
    public CaptchaHarness(Action<VerificationOptions>? configure = null)
    {
        Options = ServiceHarness.CreateOptions();
        configure?.Invoke(Options);
        Captcha = new ImageCaptchaService(MsOptions.Create(Options), Store, Renderer, Time);
    }

    public VerificationOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(ServiceHarness.Start);

    public ObservableStore Store { get; } = new();

    public RecordingCaptchaRenderer Renderer { get; } = new();

    public FakeSmsSender SmsSender { get; } = new();

    public FakeEmailSender EmailSender { get; } = new();

    /// <summary>Every message the fakes delivered, on either channel.</summary>
    public IReadOnlyList<VerificationMessage> Messages => [.. SmsSender.Messages, .. EmailSender.Messages];

    public ImageCaptchaService Captcha { get; }

    /// <summary>A verification service sharing this harness's options, keys, store and clock, with the image captcha as its validator.</summary>
    public VerificationService CreateVerificationService() =>
        new(MsOptions.Create(Options), Store, [SmsSender], [EmailSender], captchaValidator: Captcha, timeProvider: Time);

    /// <summary>A new challenge and the key the renderer was asked to draw.</summary>
    public async Task<(CaptchaChallenge Challenge, string Key)> ChallengeAsync(VerificationContext? context = null)
    {
        var challenge = ResultAssert.Succeeded(await Captcha.CreateChallengeAsync(context));
        return (challenge, Renderer.Last);
    }

    /// <summary>Solves a new challenge; returns its captcha token.</summary>
    public async Task<string> SolveAsync()
    {
        var (challenge, key) = await ChallengeAsync();
        return ResultAssert.Succeeded(await Captcha.VerifyChallengeAsync(challenge.Token, key)).CaptchaToken;
    }
}
