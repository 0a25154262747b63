namespace Verification.Captcha.Tests;

/// <summary>Google reCAPTCHA v2 and v3 against a stand-in that answers per token.</summary>
public sealed class ReCaptchaTests
{
    private static readonly Dictionary<string, ReCaptchaToken> Tokens = new()
    {
        ["v2-token"] = new(),
        ["v3-high"] = new(Score: 0.9, Action: "send_code"),
        ["v3-threshold"] = new(Score: 0.5, Action: "send_code"),
        ["v3-low"] = new(Score: 0.1, Action: "send_code"),
        ["v3-other-action"] = new(Score: 0.9, Action: "login"),
        ["v3-no-action"] = new(Score: 0.9),
    };

    private static Harness ReCaptcha(Uri endpoint, bool v3, Action<CaptchaOptions>? configure = null) =>
        new(b => b.AddReCaptcha(o =>
        {
            o.Secret = TestKeys.ReCaptchaSecret;
            o.Endpoint = endpoint;
            if (v3)
            {
                o.Provider = CaptchaProvider.ReCaptchaV3;
            }

            configure?.Invoke(o);
        }));

    [Fact]
    public async Task ValidateAsync_V2KnownToken_IsValidAndPostsAForm()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: false);

        Expect.Valid(await h.Validator.ValidateAsync("v2-token", Harness.Client));

        var request = Assert.Single(standIn.Requests);
        Assert.True(request.IsForm, request.ContentType);
        Assert.Equal(TestKeys.ReCaptchaSecret, request.Fields["secret"]);
        Assert.Equal("v2-token", request.Fields["response"]);
        Assert.Equal("203.0.113.7", request.Fields["remoteip"]);
        Assert.False(request.Fields.ContainsKey("sitekey"));
    }

    [Fact]
    public async Task ValidateAsync_V2UnknownToken_IsInvalidWithInvalidInputResponse()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: false);

        Expect.Invalid(await h.Validator.ValidateAsync("forged", Harness.Client), "invalid-input-response");
    }

    [Fact]
    public async Task ValidateAsync_V2LowScoreAnswer_IsValidBecauseV2HasNoScore()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: false);

        Expect.Valid(await h.Validator.ValidateAsync("v3-low", Harness.Client));
    }

    [Theory]
    [InlineData("v3-high")]
    [InlineData("v3-threshold")]
    public async Task ValidateAsync_V3ScoreAtOrAboveTheDefaultMinimum_IsValid(string token)
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true);

        Expect.Valid(await h.Validator.ValidateAsync(token, Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_V3ScoreBelowTheDefaultMinimum_IsInvalidLowScore()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        var store = new RecordingStore();
        using var h = new Harness(b => b.AddReCaptcha(o =>
        {
            o.Provider = CaptchaProvider.ReCaptchaV3;
            o.Secret = TestKeys.ReCaptchaSecret;
            o.Endpoint = standIn.Endpoint;
        }), store: store);

        Expect.Invalid(await h.Validator.ValidateAsync("v3-low", Harness.Client), CaptchaValidationReasons.LowScore);
        Assert.Empty(store.Marks);
    }

    [Fact]
    public async Task ValidateAsync_V3ScoreBelowAConfiguredMinimum_IsInvalidLowScore()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true, o => o.MinimumScore = 0.95);

        Expect.Invalid(await h.Validator.ValidateAsync("v3-high", Harness.Client), CaptchaValidationReasons.LowScore);
    }

    [Fact]
    public async Task ValidateAsync_V3ScoreWithMinimumZero_IsValid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true, o => o.MinimumScore = 0);

        Expect.Valid(await h.Validator.ValidateAsync("v3-low", Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_V3ExpectedActionMatches_IsValid()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true, o => o.ExpectedAction = "send_code");

        Expect.Valid(await h.Validator.ValidateAsync("v3-high", Harness.Client));
    }

    [Theory]
    [InlineData("v3-other-action")]
    [InlineData("v3-no-action")]
    public async Task ValidateAsync_V3ActionOtherThanExpected_IsInvalidActionMismatch(string token)
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true, o => o.ExpectedAction = "send_code");

        Expect.Invalid(await h.Validator.ValidateAsync(token, Harness.Client), CaptchaValidationReasons.ActionMismatch);
    }

    [Fact]
    public async Task ValidateAsync_V3WithoutExpectedAction_AcceptsAnyAction()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true);

        Expect.Valid(await h.Validator.ValidateAsync("v3-other-action", Harness.Client));
    }

    [Fact]
    public async Task ValidateAsync_V3AnswerWithoutScore_IsInvalidMissingScore()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true);

        Expect.Invalid(await h.Validator.ValidateAsync("v2-token", Harness.Client), CaptchaValidationReasons.MissingScore);
    }

    [Fact]
    public async Task ValidateAsync_V3SameTokenTwice_SecondIsInvalidDuplicate()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.ReCaptcha(Tokens));
        using var h = ReCaptcha(standIn.Endpoint, v3: true);

        Expect.Valid(await h.Validator.ValidateAsync("v3-high", Harness.Client));

        Expect.Invalid(await h.Validator.ValidateAsync("v3-high", Harness.Client), CaptchaValidationReasons.Duplicate);
    }
}
