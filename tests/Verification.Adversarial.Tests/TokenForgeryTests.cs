using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

using Verification.Captcha.Image;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threat T3 of docs/security.md (forged tokens), one test per case, through the HTTP endpoints (the service-level variants live in
/// tests/Verification.Core.Tests/TokenTests.cs). Forgeries that need the real key are re-signed with it, so that
/// each differs from a genuine token only in what it tests.
/// </summary>
public sealed class TokenForgeryTests : IAsyncLifetime
{
    private const string KeyId = "adv-key";
    private const string ProjectId = "proj-a";
    private static readonly Lazy<RSA> Key = new(() =>
    {
        var rsa = RSA.Create(2048);
        return rsa;
    });

    private readonly FakeTimeProvider _time = new(ServiceHarness.Start);
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(o =>
        {
            o.Time = _time;
            o.CaptchaRenderer = new RecordingCaptchaRenderer();
            o.Verification = v =>
            {
                v.ProjectId = ProjectId;
                v.Tokens.SigningKeys.Clear();
                v.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = KeyId, Pem = Key.Value.ExportPkcs8PrivateKeyPem() });
            };
        });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Control_GenuineIdResignedUnchanged_Verifies()
    {
        var (id, code) = await SendAsync();

        var resigned = Resign(id);

        Assert.Equal(id, resigned);
        await AssertVerifiesAsync(resigned, code);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    [InlineData("none ")]
    public async Task Verify_AlgNoneInAnySpelling_Refused(string alg)
    {
        var (id, code) = await SendAsync();
        var header = Segment(new JsonObject { ["alg"] = alg, ["kid"] = KeyId, ["typ"] = "vid+jwt" });

        await AssertRefusedAsync($"{header}.{id.Split('.')[1]}.", code);
        await AssertRefusedAsync($"{header}.{id.Split('.')[1]}.{id.Split('.')[2]}", code);
        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Verify_Hs256SignedWithThePublicKey_Refused()
    {
        var (id, code) = await SendAsync();
        foreach (var secret in new[] { Encoding.ASCII.GetBytes(Key.Value.ExportSubjectPublicKeyInfoPem()), Key.Value.ExportSubjectPublicKeyInfo(), Key.Value.ExportRSAPublicKey() })
        {
            var input = $"{Segment(new JsonObject { ["alg"] = "HS256", ["kid"] = KeyId, ["typ"] = "vid+jwt" })}.{id.Split('.')[1]}";
            var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));

            await AssertRefusedAsync($"{input}.{signature}", code);
        }

        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Verify_UnknownKid_Refused()
    {
        var (id, code) = await SendAsync();

        await AssertRefusedAsync(Resign(id, header: h => h["kid"] = "not-a-key"), code);
        await AssertRefusedAsync(Resign(id, header: h => h.Remove("kid")), code);
        await AssertVerifiesAsync(id, code);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("jwk")]
    public async Task Verify_KeyCarryingHeader_Refused(string name)
    {
        var (id, code) = await SendAsync();
        var parameters = Key.Value.ExportParameters(false);
        JsonNode value = name == "jwk"
            ? new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent), ["kid"] = KeyId }
            : JsonValue.Create("http://127.0.0.1:1/keys.json")!;

        await AssertRefusedAsync(Resign(id, header: h => h[name] = value), code);
        await AssertVerifiesAsync(id, code);
    }

    [Theory]
    [InlineData("e", "+8613800138000")]
    [InlineData("kid", "00000000-0000-0000-0000-000000000000")]
    [InlineData("t", "AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("exp", null)]
    public async Task Verify_EditedClaimWithTheOriginalSignature_Refused(string claim, string? value)
    {
        var (id, code) = await SendAsync();
        var parts = id.Split('.');
        var payload = Decode(parts[1]);
        payload[claim] = value is null ? payload[claim]!.GetValue<long>() + 86_400 : value;

        await AssertRefusedAsync($"{parts[0]}.{Segment(payload)}.{parts[2]}", code);
        await AssertVerifiesAsync(id, code);
    }

    [Theory]
    [InlineData(253_402_300_799L)] // 9999-12-31T23:59:59Z: the clock skew added to it overflows DateTime
    [InlineData(253_402_300_800L)] // past DateTime
    [InlineData(9_000_000_000_000_000L)]
    [InlineData(0L)]
    [InlineData(-62_135_596_801L)] // before DateTime
    public async Task VerifyAndRedeem_CorrectlySignedTokenWithExpOutOfRange_RefusedNeverAnError500(long exp)
    {
        var (id, code) = await SendAsync();
        var token = await AssertVerifiesAsync(id, code);
        var (second, secondCode) = await SendAsync("owner@example.com");
        var service = _app.Services.GetRequiredService<IVerificationService>();

        await AssertRefusedAsync(Resign(second, payload: p => p["exp"] = exp), secondCode, reason: null);
        var redeemed = await service.RedeemVerificationTokenAsync(Resign(token, payload: p => p["exp"] = exp));

        ResultAssert.Failed(redeemed, VerificationErrorCodes.InvalidVerificationToken);
        await AssertVerifiesAsync(second, secondCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verify_StrippedSignature_Refused(bool keepDot)
    {
        var (id, code) = await SendAsync();
        var stripped = id[..id.LastIndexOf('.')] + (keepDot ? "." : string.Empty);

        await AssertRefusedAsync(stripped, code);
        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Verify_ExpiredId_RefusedAsExpired()
    {
        var (id, code) = await SendAsync();

        _time.Advance(TimeSpan.FromSeconds(600 + 31));

        var body = await AssertRefusedAsync(id, code, reason: null);
        Assert.Equal("expired", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Verify_NotYetValid_Refused()
    {
        var (id, code) = await SendAsync();

        await AssertRefusedAsync(Resign(id, payload: p => p["nbf"] = _time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds()), code);
        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Verify_AnotherProjectsPj_Refused()
    {
        var (id, code) = await SendAsync();

        await AssertRefusedAsync(Resign(id, payload: p => p["pj"] = "proj-b"), code);
        await AssertRefusedAsync(Resign(id, payload: p => p.Remove("pj")), code);
        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Verify_VerificationTokenPresentedAsVerificationId_Refused()
    {
        var (id, code) = await SendAsync();
        var token = await AssertVerifiesAsync(id, code);
        var (id2, code2) = await SendAsync(TestApp.Email);

        await AssertRefusedAsync(token, code2);
        await AssertRefusedAsync(Resign(token, header: h => h["typ"] = "vid+jwt"), code2);
        await AssertVerifiesAsync(id2, code2);
    }

    [Fact]
    public async Task Verify_CaptchaTokenPresentedAsVerificationId_Refused()
    {
        var (id, code) = await SendAsync();
        var captchaToken = await SolveCaptchaAsync();

        await AssertRefusedAsync(captchaToken, code);
        await AssertVerifiesAsync(id, code);
    }

    [Fact]
    public async Task Redeem_VerificationIdPresentedAsVerificationToken_Refused()
    {
        var (id, code) = await SendAsync();
        var service = _app.Services.GetRequiredService<IVerificationService>();

        var asToken = await service.RedeemVerificationTokenAsync(id);
        var retyped = await service.RedeemVerificationTokenAsync(Resign(id, header: h => h["typ"] = "vt+jwt"));

        ResultAssert.Failed(asToken, VerificationErrorCodes.InvalidVerificationToken);
        ResultAssert.Failed(retyped, VerificationErrorCodes.InvalidVerificationToken);
        await AssertVerifiesAsync(id, code);
    }

    [Theory]
    [InlineData(2_049)]
    [InlineData(100_000)]
    public async Task Verify_OversizeId_RefusedBeforeParsing(int length)
    {
        var (_, code) = await SendAsync();
        var oversize = "eyJhbGciOiJub25lIn0." + new string('A', length) + ".";

        using var response = await _app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{oversize}}","verification_code":"{{code}}"}""");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, text);
        Assert.Contains("invalid_argument", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), l => l.Message.Contains("IDX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redeem_VerificationTokenTwice_SecondRefused()
    {
        var (id, code) = await SendAsync();
        var token = await AssertVerifiesAsync(id, code);
        var service = _app.Services.GetRequiredService<IVerificationService>();

        var first = await service.RedeemVerificationTokenAsync(token);
        var second = await service.RedeemVerificationTokenAsync(token);

        Assert.Equal(TestApp.PhoneE164, ResultAssert.Succeeded(first).Contact);
        ResultAssert.Failed(second, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used);
    }

    private async Task<(string Id, string Code)> SendAsync(string contact = TestApp.Phone)
    {
        var field = contact.Contains('@', StringComparison.Ordinal) ? "email" : "phone_number";
        var id = await _app.SendAsync($$"""{"{{field}}":"{{contact}}"}""");
        return (id, (field == "email" ? (FakeSender)_app.EmailSender : _app.SmsSender).LastCode!);
    }

    private async Task<string> AssertVerifiesAsync(string id, string code)
    {
        using var response = await _app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{id}}","verification_code":"{{code}}"}""");
        var body = await Json.ReadSuccessAsync(response);
        return body.GetProperty("verification_token").GetString()!;
    }

    private async Task<System.Text.Json.JsonElement> AssertRefusedAsync(string id, string code, string? reason = "unknown")
    {
        using var response = await _app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{id}}","verification_code":"{{code}}"}""");
        var body = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        if (reason is not null)
        {
            Assert.Equal(reason, Json.Detail(body, "reason"));
        }

        return body;
    }

    private async Task<string> SolveCaptchaAsync()
    {
        using var data = await _app.PostAsync("/auth/v1/captcha/data", "{}");
        var challenge = (await Json.ReadSuccessAsync(data)).GetProperty("token").GetString()!;
        var renderer = (RecordingCaptchaRenderer)_app.Services.GetRequiredService<ICaptchaImageRenderer>();
        using var verify = await _app.PostAsync("/auth/v1/captcha/data/verify", $$"""{"token":"{{challenge}}","key":"{{renderer.Last}}"}""");
        return (await Json.ReadSuccessAsync(verify)).GetProperty("captcha_token").GetString()!;
    }

    /// <summary>Re-signs <paramref name="jwt"/> with the real key (RS256) after the given edits.</summary>
    private static string Resign(string jwt, Action<JsonObject>? header = null, Action<JsonObject>? payload = null)
    {
        var parts = jwt.Split('.');
        var h = Decode(parts[0]);
        var p = Decode(parts[1]);
        header?.Invoke(h);
        payload?.Invoke(p);
        var input = $"{(header is null ? parts[0] : Segment(h))}.{(payload is null ? parts[1] : Segment(p))}";
        var signature = Key.Value.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{input}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static JsonObject Decode(string segment) => JsonNode.Parse(Base64UrlEncoder.Decode(segment))!.AsObject();

    private static string Segment(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());
}
