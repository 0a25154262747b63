using System.Net;

namespace Verification.Captcha.Tests;

/// <summary>Cloudflare Turnstile against a stand-in that behaves like siteverify with the documented test secrets.</summary>
public sealed class TurnstileTests
{
    [Fact]
    public async Task ValidateAsync_AlwaysPassesSecretAndDummyToken_IsValidAndPostsSecretResponseAndRemoteIp()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        var result = await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client);

        Expect.Valid(result);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/siteverify", request.Path);
        Assert.True(request.IsForm, request.ContentType);
        Assert.Equal(TestKeys.TurnstileAlwaysPasses, request.Fields["secret"]);
        Assert.Equal(TestKeys.TurnstileDummyToken, request.Fields["response"]);
        Assert.Equal("203.0.113.7", request.Fields["remoteip"]);
        Assert.Equal(["remoteip", "response", "secret"], request.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_AlwaysFailsSecret_IsInvalidWithInvalidInputResponse()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint, TestKeys.TurnstileAlwaysFails);

        var result = await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client);

        Expect.Invalid(result, "invalid-input-response");
    }

    [Fact]
    public async Task ValidateAsync_TokenSpentSecret_IsInvalidWithTimeoutOrDuplicate()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint, TestKeys.TurnstileTokenSpent);

        var result = await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client);

        Expect.Invalid(result, "timeout-or-duplicate");
    }

    [Fact]
    public async Task ValidateAsync_AlwaysPassesSecretAndAnotherToken_IsInvalid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        var result = await h.Validator.ValidateAsync("0.real-looking-token", Harness.Client);

        Expect.Invalid(result, "invalid-input-response");
    }

    [Fact]
    public async Task ValidateAsync_SameTokenTwice_SecondIsInvalidDuplicateAlthoughTheProviderAcceptsIt()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
        var second = await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client);

        Expect.Invalid(second, CaptchaValidationReasons.Duplicate);
        Assert.Equal(2, standIn.Requests.Count);
    }

    [Fact]
    public async Task ValidateAsync_SameTokenConcurrently_ExactlyOneIsValid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);
        var validator = h.Validator;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client).AsTask()));

        Assert.Single(results, r => r.Status == CaptchaValidationStatus.Valid);
        Assert.All(results.Where(r => r.Status != CaptchaValidationStatus.Valid), r => Expect.Invalid(r, CaptchaValidationReasons.Duplicate));
    }

    [Fact]
    public async Task ValidateAsync_SameTokenAfterTheMarkExpired_AsksTheProviderAgain()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var time = Clock.Fake();
        using var h = Harness.Turnstile(standIn.Endpoint, time: time);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
        time.Advance(TimeSpan.FromMinutes(4));
        Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.Duplicate);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        // Five minutes outlive any provider's token: in real life the provider refuses it by then.
        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_MarksSha256OfTheTokenInTheStoreForFiveMinutes()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        var time = Clock.Fake();
        var store = new RecordingStore();
        using var h = Harness.Turnstile(standIn.Endpoint, time: time, store: store);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));

        var (key, expiresAt, now) = Assert.Single(store.Marks);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TestKeys.TurnstileDummyToken)));
        Assert.Equal("captcha:" + hash, key);
        Assert.Equal(time.GetUtcNow(), now);
        Assert.Equal(now + TimeSpan.FromMinutes(5), expiresAt);
    }

    [Fact]
    public async Task ValidateAsync_WithoutContext_SendsNoRemoteIp()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, null));

        Assert.False(Assert.Single(standIn.Requests).Fields.ContainsKey("remoteip"));
    }

    [Theory]
    [InlineData("::ffff:198.51.100.23", "198.51.100.23")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("fe80::1%3", "fe80::1")]
    public async Task ValidateAsync_ClientIp_IsSentAsTheProviderExpectsIt(string clientIp, string sent)
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, new VerificationContext { ClientIp = IPAddress.Parse(clientIp) }));

        Assert.Equal(sent, Assert.Single(standIn.Requests).Fields["remoteip"]);
    }

    [Fact]
    public async Task ValidateAsync_HostnameInExpectedHostnames_IsValid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile(hostname: "login.example.com"));
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.ExpectedHostnames = ["example.com", "LOGIN.example.com"]);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_HostnameNotInExpectedHostnames_IsInvalidHostnameMismatch()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile(hostname: "evil.example.net"));
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.ExpectedHostnames = ["example.com"]);

        Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.HostnameMismatch);
    }

    [Fact]
    public async Task ValidateAsync_ExpectedActionMatches_IsValid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile(action: "send-code"));
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.ExpectedAction = "send-code");

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_ExpectedActionDiffers_IsInvalidActionMismatchAndNotMarkedUsed()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile(action: "login"));
        var store = new RecordingStore();
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.ExpectedAction = "send-code", store: store);

        Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.ActionMismatch);
        Assert.Empty(store.Marks);
    }

    [Fact]
    public async Task ValidateAsync_TokenOfMaximumLength_IsSentToTheProvider()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);
        var token = new string('a', CaptchaSiteverify.MaxTokenLength);

        Expect.Invalid(await h.Validator.ValidateAsync(token, Harness.Client), "invalid-input-response");

        Assert.Equal(token, Assert.Single(standIn.Requests).Fields["response"]);
    }

    [Fact]
    public async Task ValidateAsync_TokenOverMaximumLength_IsInvalidWithoutCallingTheProvider()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        var result = await h.Validator.ValidateAsync(new string('a', CaptchaSiteverify.MaxTokenLength + 1), Harness.Client);

        Expect.Invalid(result, CaptchaValidationReasons.TokenTooLong);
        Assert.Empty(standIn.Requests);
    }

    [Theory]
    [InlineData("XXXX.DUMMY\n.TOKEN.XXXX")]
    [InlineData("XXXX.DUMMY\r.TOKEN.XXXX")]
    [InlineData("XXXX.DUMMY\u0000.TOKEN.XXXX")]
    [InlineData("XXXX.DUMMY\u007f.TOKEN.XXXX")]
    [InlineData("XXXX.DUMMY\u0085.TOKEN.XXXX")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ValidateAsync_EmptyTokenOrControlCharacters_IsInvalidWithoutCallingTheProvider(string token)
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint);

        var result = await h.Validator.ValidateAsync(token, Harness.Client);

        Expect.Invalid(result, CaptchaValidationReasons.MalformedToken);
        Assert.Empty(standIn.Requests);
    }

    [Theory]
    [InlineData("internal-error")]
    [InlineData("invalid-input-secret")]
    [InlineData("missing-input-secret")]
    [InlineData("bad-request")]
    public async Task ValidateAsync_ErrorCodeMeaningTheTokenWasNotJudged_IsUnavailable(string code)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Json(Siteverify.Failure(code)));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), code);
    }

    [Fact]
    public async Task ValidateAsync_WrongSecret_IsUnavailableAndLoggedAsAnError()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.Turnstile());
        using var h = Harness.Turnstile(standIn.Endpoint, secret: "0x4AAAAAAAwrong-secret");

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), "invalid-input-secret");

        var record = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 3009);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, record.Level);
        Assert.Contains("Verification:Captcha:Secret", record.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"success":false}""", CaptchaValidationReasons.Refused)]
    [InlineData("""{"success":false,"error-codes":[]}""", CaptchaValidationReasons.Refused)]
    [InlineData("""{"success":false,"error-codes":null}""", CaptchaValidationReasons.Refused)]
    [InlineData("""{"success":false,"error-codes":["invalid-input-response","timeout-or-duplicate"]}""", "invalid-input-response")]
    [InlineData("""{"success":false,"error-codes":["<script>alert(1)</script>","timeout-or-duplicate"]}""", "timeout-or-duplicate")]
    [InlineData("""{"success":false,"error-codes":[42]}""", CaptchaValidationReasons.Refused)]
    public async Task ValidateAsync_SuccessFalse_IsInvalidWithTheFirstPlainErrorCode(string body, string reason)
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Json(body));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), reason);
    }

    [Fact]
    public async Task ValidateAsync_MinimalSuccessAnswer_IsValid()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.Json("""{"success":true}"""));
        using var h = Harness.Turnstile(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
    }
}
