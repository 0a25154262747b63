using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Theory]
    [InlineData("e", "+8613800138000")]
    [InlineData("pj", "proj-b")]
    [InlineData("u", "PASSWORD_RESET")]
    [InlineData("t", "00000000000000000000000000000000")]
    public async Task VerifyAsync_PayloadClaimEditedSignatureKept_IsUnknown(string claim, string value)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h, usage: VerificationUsage.SignIn);
        var parts = id.Split('.');
        var payload = Payload(id);
        payload[claim] = value;

        var forged = $"{parts[0]}.{Encode(payload)}.{parts[2]}";

        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Fact]
    public async Task VerifyAsync_ExpiryExtendedSignatureKept_IsUnknownNotExpired()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        var parts = id.Split('.');
        var payload = Payload(id);
        payload["exp"] = (Start + TimeSpan.FromDays(1)).ToUnixTimeSeconds();
        h.Time.Advance(Lifetime + Skew + TimeSpan.FromSeconds(1));

        await AssertVerifyRefusedAsync(h, $"{parts[0]}.{Encode(payload)}.{parts[2]}", code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_PayloadEditedSignatureKept_IsUnknown()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);
        var parts = token.Split('.');
        var payload = Payload(token);
        payload["e"] = "+8613800138000";

        await AssertRedeemRefusedAsync(h, $"{parts[0]}.{Encode(payload)}.{parts[2]}", VerificationErrorReasons.Unknown);
        var genuine = await h.Service.RedeemVerificationTokenAsync(token);
        Assert.True(genuine.Succeeded, genuine.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task VerifyAsync_SignatureStripped_IsUnknown(bool keepTrailingDot)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        var stripped = id[..(id.LastIndexOf('.') + (keepTrailingDot ? 1 : 0))];

        await AssertVerifyRefusedAsync(h, stripped, code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_SignatureStripped_IsUnknown()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);

        await AssertRedeemRefusedAsync(h, token[..(token.LastIndexOf('.') + 1)], VerificationErrorReasons.Unknown);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public async Task VerifyAsync_AlgNoneWithEmptySignature_IsUnknown(string alg)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        var header = Encode(new JsonObject { ["alg"] = alg, ["kid"] = KeyId, ["typ"] = "vid+jwt" });

        await AssertVerifyRefusedAsync(h, $"{header}.{id.Split('.')[1]}.", code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task RedeemVerificationTokenAsync_AlgNoneWithEmptySignature_IsUnknown(string alg)
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);
        var header = Encode(new JsonObject { ["alg"] = alg, ["kid"] = KeyId, ["typ"] = "vt+jwt" });

        await AssertRedeemRefusedAsync(h, $"{header}.{token.Split('.')[1]}.", VerificationErrorReasons.Unknown);
    }

    [Theory]
    [InlineData("spki-pem")]
    [InlineData("spki-der")]
    [InlineData("pkcs1-der")]
    public async Task VerifyAsync_Hs256SignedWithRsaPublicKeyBytes_IsUnknown(string encoding)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(SigningPem.Value);
        var secret = encoding switch
        {
            "spki-pem" => Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            "spki-der" => rsa.ExportSubjectPublicKeyInfo(),
            _ => rsa.ExportRSAPublicKey(),
        };
        var signingInput = $"{Encode(new JsonObject { ["alg"] = "HS256", ["kid"] = KeyId, ["typ"] = "vid+jwt" })}.{id.Split('.')[1]}";
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));

        await AssertVerifyRefusedAsync(h, $"{signingInput}.{Base64UrlEncoder.Encode(signature)}", code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_ResignedWithRealKeyAndNothingChanged_IsTheGenuineIdAndVerifies()
    {
        // The control for the forgeries below: re-signing with nothing changed rebuilds the genuine id
        // (RS256 signatures are deterministic), so each forgery differs from it only in what it tests.
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var resigned = Resign(id, RsaKey(SigningPem.Value, KeyId));

        Assert.Equal(id, resigned);
        await AssertVerifiesAsync(h, resigned, code);
    }

    [Fact]
    public async Task VerifyAsync_RealKeyUnderUnknownKid_IsUnknown()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, "key-unknown"));

        Assert.Equal("key-unknown", Header(forged)["kid"]!.GetValue<string>());
        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Fact]
    public async Task VerifyAsync_RealKeyWithoutKid_IsUnknown()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, keyId: null));

        Assert.False(Header(forged).ContainsKey("kid"));
        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_AnotherKeyUnderTheSameKid_IsUnknown()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(OtherPem.Value, KeyId));

        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_AnotherKeyUnderTheSameKid_IsUnknown()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);

        await AssertRedeemRefusedAsync(h, Resign(token, RsaKey(OtherPem.Value, KeyId)), VerificationErrorReasons.Unknown);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("jwk")]
    [InlineData("x5c")]
    public async Task VerifyAsync_KeyCarryingHeaderSignedWithRealKey_IsUnknown(string headerName)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, KeyId), extraHeaders: KeyCarryingHeader(headerName));

        Assert.True(Header(forged).ContainsKey(headerName));
        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("jwk")]
    public async Task RedeemVerificationTokenAsync_KeyCarryingHeaderSignedWithRealKey_IsUnknown(string headerName)
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);

        var forged = Resign(token, RsaKey(SigningPem.Value, KeyId), extraHeaders: KeyCarryingHeader(headerName));

        await AssertRedeemRefusedAsync(h, forged, VerificationErrorReasons.Unknown);
        var genuine = await h.Service.RedeemVerificationTokenAsync(token);
        Assert.True(genuine.Succeeded, genuine.ToString());
    }
}
