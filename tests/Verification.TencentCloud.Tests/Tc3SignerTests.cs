using System.Text;

namespace Verification.TencentCloud.Tests;

/// <summary>Three TC3-HMAC-SHA256 vectors worked from Tencent Cloud's API 3.0 signing documentation (a POST, a GET and a third signed header), exactly as given.</summary>
public sealed class Tc3SignerTests
{
    private const string SecretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    private const string SecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    private const string Host = "cvm.tencentcloudapi.com";

    // 86 bytes; the \u sequences are literal backslash escapes, not the characters they name.
    private const string VectorABody = """{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}""";

    [Fact]
    public void Sign_VectorA_Post_MatchesEveryIntermediateValue()
    {
        var body = Encoding.UTF8.GetBytes(VectorABody);
        Assert.Equal(86, body.Length);

        var signed = Tc3Signer.Sign(SecretId, SecretKey, "cvm", 1551113065, "POST", "/", string.Empty,
            [new("content-type", "application/json; charset=utf-8"), new("host", Host)], body);

        Assert.Equal("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064", signed.HashedPayload);
        Assert.Equal("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031", signed.HashedCanonicalRequest);
        Assert.Equal("2019-02-25", signed.Date);
        Assert.Equal("d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a", Convert.ToHexStringLower(signed.SecretDate));
        Assert.Equal("3c7cb7c7795393edc14fd2e0e6434a518564b4504b88e94f5d11bf59ba3e7050", Convert.ToHexStringLower(signed.SecretService));
        Assert.Equal("ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1", Convert.ToHexStringLower(signed.SecretSigning));
        Assert.Equal("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", signed.Signature);
        Assert.Equal("content-type;host", signed.SignedHeaders);
        Assert.Equal(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
            signed.Authorization);
        Assert.Equal(
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
            signed.StringToSign);
    }

    [Fact]
    public void Sign_VectorB_Get_MatchesHashedCanonicalRequestAndSignature()
    {
        var signed = Tc3Signer.Sign(SecretId, SecretKey, "cvm", 1539084154, "GET", "/", "Limit=10&Offset=0",
            [new("content-type", "application/x-www-form-urlencoded"), new("host", Host)], []);

        Assert.Equal("2018-10-09", signed.Date);
        Assert.Equal("91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7", signed.HashedCanonicalRequest);
        Assert.Equal("5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474", signed.Signature);
    }

    [Fact]
    public void Sign_VectorC_ThreeSignedHeaders_LowerCasesValuesAndSortsNames()
    {
        // Given out of order and with the action's original casing: the signer sorts names and lower-cases values.
        var signed = Tc3Signer.Sign(SecretId, SecretKey, "cvm", 1551113065, "POST", "/", string.Empty,
            [new("X-TC-Action", "DescribeInstances"), new("host", Host), new("Content-Type", "application/json; charset=utf-8")],
            Encoding.UTF8.GetBytes(VectorABody));

        Assert.Equal("content-type;host;x-tc-action", signed.SignedHeaders);
        Assert.Contains("\nx-tc-action:describeinstances\n", signed.CanonicalRequest, StringComparison.Ordinal);
        Assert.Equal("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84", signed.HashedCanonicalRequest);
        Assert.Equal("644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26", signed.Signature);
    }

    [Fact]
    public void IndependentTc3_OfTheStandIn_AgreesWithVectorA()
    {
        // The stand-in's own implementation must pass the vectors too, or its checks prove nothing.
        var canonical = IndependentTc3.CanonicalRequest("POST", "/", string.Empty, ["content-type", "host"],
            name => name == "host" ? Host : "application/json; charset=utf-8", Encoding.UTF8.GetBytes(VectorABody));

        Assert.Equal("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", IndependentTc3.Signature(SecretKey, "cvm", 1551113065, canonical));
    }
}
