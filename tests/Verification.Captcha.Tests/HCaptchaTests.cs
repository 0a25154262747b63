namespace Verification.Captcha.Tests;

/// <summary>hCaptcha against a stand-in that reads form bodies only and knows the documented test keys.</summary>
public sealed class HCaptchaTests
{
    private static Harness HCaptcha(Uri endpoint, string? siteKey = TestKeys.HCaptchaSiteKey, string secret = TestKeys.HCaptchaSecret) =>
        new(b => b.AddHCaptcha(o =>
        {
            o.Secret = secret;
            o.SiteKey = siteKey;
            o.Endpoint = endpoint;
        }));

    [Fact]
    public async Task ValidateAsync_TestSecretAndPassingResponse_IsValidAndPostsAFormWithTheSiteKey()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = HCaptcha(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.HCaptchaPassingResponse, Harness.Client));

        var request = Assert.Single(standIn.Requests);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(TestKeys.HCaptchaSecret, request.Fields["secret"]);
        Assert.Equal(TestKeys.HCaptchaPassingResponse, request.Fields["response"]);
        Assert.Equal("203.0.113.7", request.Fields["remoteip"]);
        Assert.Equal(TestKeys.HCaptchaSiteKey, request.Fields["sitekey"]);
    }

    [Fact]
    public async Task ValidateAsync_WithoutSiteKey_SendsNoSitekeyField()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = HCaptcha(standIn.Endpoint, siteKey: null);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.HCaptchaPassingResponse, Harness.Client));

        Assert.False(Assert.Single(standIn.Requests).Fields.ContainsKey("sitekey"));
    }

    [Fact]
    public async Task ValidateAsync_AnotherResponse_IsInvalidWithInvalidInputResponse()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = HCaptcha(standIn.Endpoint);

        Expect.Invalid(await h.Validator.ValidateAsync("20000000-aaaa-bbbb-cccc-000000000002", Harness.Client), "invalid-input-response");
    }

    [Fact]
    public async Task ValidateAsync_SiteKeyOfAnotherSite_IsUnavailableSitekeySecretMismatch()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = HCaptcha(standIn.Endpoint, siteKey: "20000000-ffff-ffff-ffff-000000000002");

        // A configuration mistake, not the person's: the send answers unavailable rather than blaming the captcha.
        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.HCaptchaPassingResponse, Harness.Client), "sitekey-secret-mismatch");
    }

    [Fact]
    public async Task ValidateAsync_SameResponseTwice_SecondIsInvalidDuplicate()
    {
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var h = HCaptcha(standIn.Endpoint);

        Expect.Valid(await h.Validator.ValidateAsync(TestKeys.HCaptchaPassingResponse, Harness.Client));

        Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.HCaptchaPassingResponse, Harness.Client), CaptchaValidationReasons.Duplicate);
    }

    [Fact]
    public async Task StandIn_JsonBody_IsRefusedAsTheRealServiceDoes()
    {
        // The stand-in's own check: hCaptcha reads form bodies only, so a JSON body carries no secret.
        await using var standIn = await StandIn.StartAsync(Siteverify.HCaptcha());
        using var client = new HttpClient();
        using var content = new StringContent($$"""{"secret":"{{TestKeys.HCaptchaSecret}}","response":"{{TestKeys.HCaptchaPassingResponse}}"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(standIn.Endpoint, content);

        Assert.Equal(Siteverify.Failure("missing-input-secret"), await response.Content.ReadAsStringAsync());
    }
}
