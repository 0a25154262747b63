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
public sealed class ImageCaptchaServiceTests
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

    // ---- Solving ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyInLowerCase_YieldsACaptchaTokenExpiringIn300()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var solution = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key.ToLowerInvariant()));

        Assert.False(string.IsNullOrWhiteSpace(solution.CaptchaToken));
        Assert.Equal(300, solution.ExpiresIn);
        Assert.NotEqual(challenge.Token, solution.CaptchaToken);
    }

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyWithSurroundingSpaces_Verifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, "  " + key + " "));
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenOfASolvedChallenge_AcceptedExactlyOnce()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        var first = await h.Captcha.ValidateAsync(token, null);
        var second = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Valid, first.Status);
        Assert.Equal(CaptchaValidationStatus.Invalid, second.Status);
        Assert.Equal(VerificationErrorReasons.Used, second.Reason);
    }

    [Fact]
    public async Task ValidateAsync_ConcurrentUsesOfOneCaptchaToken_ExactlyOneValid()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        var results = await Concurrently.RunAsync(16, _ => h.Captcha.ValidateAsync(token, null));

        Assert.Single(results, r => r.Status == CaptchaValidationStatus.Valid);
        Assert.All(results.Where(r => r.Status != CaptchaValidationStatus.Valid), r =>
        {
            Assert.Equal(CaptchaValidationStatus.Invalid, r.Status);
            Assert.Equal(VerificationErrorReasons.Used, r.Reason);
        });
    }

    [Fact]
    public async Task ValidateAsync_TwoCaptchaTokens_EachAcceptedOnce()
    {
        var h = new CaptchaHarness();
        var first = await h.SolveAsync();
        var second = await h.SolveAsync();

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(first, null)).Status);
        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(second, null)).Status);
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenPastItsLifetime_InvalidExpired()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        // The token lives 300 s; the default clock skew of 10 s is tolerated, not more.
        h.Time.Advance(TimeSpan.FromSeconds(310));
        var result = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Expired, result.Reason);
    }

    [Fact]
    public async Task ValidateAsync_CaptchaTokenJustBeforeItsEnd_Valid()
    {
        var h = new CaptchaHarness();
        var token = await h.SolveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(299));

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(token, null)).Status);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ConcurrentRightAnswers_ExactlyOneCaptchaToken()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var results = await Concurrently.RunAsync(8, _ => h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorCodes.CaptchaUsed, r.Error!.Code));
    }

    [Fact]
    public async Task VerifyChallengeAsync_WrongKey_InvalidCaptchaWrongWithAttemptsRemaining()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);

        Assert.Equal(4, error.AttemptsRemaining);
        Assert.Equal(4020, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_RightKeyAfterAWrongOne_StillVerifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, "0OQ1"), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);

        var solution = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        Assert.Equal(CaptchaValidationStatus.Valid, (await h.Captcha.ValidateAsync(solution.CaptchaToken, null)).Status);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    [InlineData(1)]
    public async Task VerifyChallengeAsync_MaxTriesWrongKeys_LastIsExhaustedThenEvenTheRightKeyIsCaptchaUsed(int maxTries)
    {
        var h = new CaptchaHarness(o => o.Captcha.MaxTries = maxTries);
        var (challenge, key) = await h.ChallengeAsync();
        for (var i = 1; i < maxTries; i++)
        {
            var wrong = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Wrong);
            Assert.Equal(maxTries - i, wrong.AttemptsRemaining);
        }

        var last = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, WrongKey(key)), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Exhausted);
        Assert.Equal(0, last.AttemptsRemaining);

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaUsed);
        Assert.Equal(4022, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_SolvedTwice_CaptchaUsed()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaUsed, VerificationErrorReasons.Used);
        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, WrongKey(key)), VerificationErrorCodes.CaptchaUsed, VerificationErrorReasons.Used);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(305)]
    [InlineData(311)]
    [InlineData(3600)]
    public async Task VerifyChallengeAsync_AfterItsLifetime_CaptchaExpired(int seconds)
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        h.Time.Advance(TimeSpan.FromSeconds(seconds));
        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.CaptchaExpired, VerificationErrorReasons.Expired);

        Assert.Equal(4021, error.Number);
    }

    [Fact]
    public async Task VerifyChallengeAsync_JustBeforeItsLifetimeEnds_Verifies()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        h.Time.Advance(TimeSpan.FromSeconds(299));

        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiY2FwdGNoYS1jaGFsbGVuZ2Urand0In0.eyJraWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJ0IjoiMDAifQ.")]
    public async Task VerifyChallengeAsync_GarbageChallengeToken_InvalidCaptchaUnknown(string token)
    {
        var h = new CaptchaHarness();

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(token, "ACDEF"), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ChallengeOfAnotherDeploymentsKeys_InvalidCaptchaUnknown()
    {
        var other = new CaptchaHarness();
        var (challenge, key) = await other.ChallengeAsync();
        var h = new CaptchaHarness();

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyChallengeAsync_ChallengeTokenWithEditedSignature_InvalidCaptchaUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        var parts = challenge.Token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        var forged = string.Join('.', parts[0], parts[1], new string(signature));

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(forged, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);

        // The forgery cost the real challenge nothing.
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }

    // ---- Token kinds -----------------------------------------------------------------------------------------

    [Fact]
    public async Task VerifyChallengeAsync_CaptchaTokenAsChallengeToken_InvalidCaptchaUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();
        var captchaToken = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key)).CaptchaToken;

        ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(captchaToken, key), VerificationErrorCodes.InvalidCaptcha, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_CaptchaTokenAsVerificationId_InvalidVerificationCodeUnknown()
    {
        // Same keys and project for both services: only the token's kind tells them apart.
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();

        ResultAssert.Failed(
            await service.VerifyAsync(new VerifyRequest(captchaToken, "123456")),
            VerificationErrorCodes.InvalidVerificationCode,
            VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_ChallengeTokenAsVerificationId_InvalidVerificationCodeUnknown()
    {
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var (challenge, _) = await h.ChallengeAsync();

        ResultAssert.Failed(
            await service.VerifyAsync(new VerifyRequest(challenge.Token, "123456")),
            VerificationErrorCodes.InvalidVerificationCode,
            VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task ValidateAsync_ChallengeTokenAsCaptchaToken_InvalidUnknown()
    {
        var h = new CaptchaHarness();
        var (challenge, key) = await h.ChallengeAsync();

        var result = await h.Captcha.ValidateAsync(challenge.Token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);

        // An unsolved challenge stays unsolved: its key still works afterwards.
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key));
    }

    [Fact]
    public async Task ValidateAsync_VerificationIdAsCaptchaToken_InvalidUnknown()
    {
        var h = new CaptchaHarness();
        var service = h.CreateVerificationService();
        var sent = ResultAssert.Succeeded(await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        var result = await h.Captcha.ValidateAsync(sent.VerificationId, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task ValidateAsync_GarbageToken_InvalidUnknown(string token)
    {
        var h = new CaptchaHarness();

        var result = await h.Captcha.ValidateAsync(token, null);

        Assert.Equal(CaptchaValidationStatus.Invalid, result.Status);
        Assert.Equal(VerificationErrorReasons.Unknown, result.Reason);
    }

    // ---- Input -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task VerifyChallengeAsync_MissingOrOversizeToken_InvalidArgumentToken(string? token, string reason)
    {
        var h = new CaptchaHarness();
        var (_, key) = await h.ChallengeAsync();
        token = token == "oversize" ? new string('a', TokenService.MaxTokenLength + 1) : token;

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(token, key), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("token", error.Field);
    }

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("   ", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task VerifyChallengeAsync_MissingOrOversizeKey_InvalidArgumentKeyAndTheChallengeKeepsItsTries(string? key, string reason)
    {
        var h = new CaptchaHarness(o => o.Captcha.MaxTries = 1);
        var (challenge, right) = await h.ChallengeAsync();
        key = key == "oversize" ? new string('A', 33) : key;

        var error = ResultAssert.Failed(await h.Captcha.VerifyChallengeAsync(challenge.Token, key), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("key", error.Field);
        ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, right));
    }

    // ---- Per-IP challenge limit ------------------------------------------------------------------------------

    [Fact]
    public async Task CreateChallengeAsync_FourthFromOneIpWithinAnHour_RateLimitedCaptchaLimit()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 3);
        var context = new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7") };
        for (var i = 0; i < 3; i++)
        {
            ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var error = ResultAssert.Failed(await h.Captcha.CreateChallengeAsync(context), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.CaptchaLimit);

        Assert.Equal(TimeSpan.FromMinutes(45), error.RetryAfter);
        Assert.Equal(3, h.Renderer.Texts.Count);

        // Another client is not affected; the same client may ask again once the hour is over.
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.8") }));
        h.Time.Advance(TimeSpan.FromMinutes(45));
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
    }

    [Fact]
    public async Task CreateChallengeAsync_Ipv6AddressesOfOneSlash64_ShareTheChallengeLimit()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 1);
        ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("2001:db8:1:2::1") }));

        ResultAssert.Failed(
            await h.Captcha.CreateChallengeAsync(new VerificationContext { ClientIp = IPAddress.Parse("2001:db8:1:2::99") }),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.CaptchaLimit);
    }

    [Fact]
    public async Task CreateChallengeAsync_ChallengeLimitZero_IsOff()
    {
        var h = new CaptchaHarness(o => o.Captcha.ChallengesPerIpPerHour = 0);
        var context = new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7") };

        for (var i = 0; i < 5; i++)
        {
            ResultAssert.Succeeded(await h.Captcha.CreateChallengeAsync(context));
        }

        Assert.All(h.Store.Saves, s => Assert.Empty(s.Charges));
    }

    // ---- With VerificationService ----------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_AlwaysRequireWithImageCaptcha_CaptchaRequiredThenSolveThenSendsThenTokenIsSpent()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var request = new VerificationRequest(PhoneNumber: ServiceHarness.Phone);

        ResultAssert.Failed(await service.SendAsync(request), VerificationErrorCodes.CaptchaRequired, VerificationErrorReasons.Always);

        var (challenge, key) = await h.ChallengeAsync();
        var captchaToken = ResultAssert.Succeeded(await h.Captcha.VerifyChallengeAsync(challenge.Token, key.ToLowerInvariant())).CaptchaToken;
        var sent = ResultAssert.Succeeded(await service.SendAsync(request with { CaptchaToken = captchaToken }));

        var message = Assert.Single(h.Outbox.Messages);
        ResultAssert.Succeeded(await service.VerifyAsync(new VerifyRequest(sent.VerificationId, message.Code)));

        // Spent: the same token does not let a second send through, even to another contact.
        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: captchaToken)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Used);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_ChallengeTokenInsteadOfCaptchaToken_CaptchaInvalidUnknown()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var (challenge, _) = await h.ChallengeAsync();

        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: challenge.Token)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Unknown);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_ExpiredCaptchaToken_CaptchaInvalidExpired()
    {
        var h = new CaptchaHarness(o => o.Captcha.AlwaysRequire = true);
        var service = h.CreateVerificationService();
        var captchaToken = await h.SolveAsync();

        h.Time.Advance(TimeSpan.FromMinutes(6));

        ResultAssert.Failed(
            await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: captchaToken)),
            VerificationErrorCodes.CaptchaInvalid,
            VerificationErrorReasons.Expired);
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /// <summary>A key of the alphabet that differs from <paramref name="key"/> in its first character.</summary>
    private static string WrongKey(string key)
    {
        var alphabet = ImageCaptchaAlphabet.Characters;
        var other = alphabet[(alphabet.IndexOf(key[0], StringComparison.Ordinal) + 1) % alphabet.Length];
        return other + key[1..];
    }
}

/// <summary>A renderer that draws nothing: it returns fixed bytes and records the text it was asked to draw.</summary>
internal sealed class RecordingCaptchaRenderer : ICaptchaImageRenderer
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x01, 0x02, 0x03];

    private readonly ConcurrentQueue<string> _texts = new();

    public IReadOnlyList<string> Texts => [.. _texts];

    public string Last => _texts.Last();

    public byte[] RenderPng(string text)
    {
        _texts.Enqueue(text);
        return [.. Png];
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

    public OutboxSender Outbox { get; } = new();

    public ImageCaptchaService Captcha { get; }

    /// <summary>A verification service sharing this harness's options, keys, store and clock, with the image captcha as its validator.</summary>
    public VerificationService CreateVerificationService() =>
        new(MsOptions.Create(Options), Store, [Outbox], [Outbox], captchaValidator: Captcha, timeProvider: Time);

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
