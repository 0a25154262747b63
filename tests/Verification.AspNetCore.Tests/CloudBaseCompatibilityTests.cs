using System.Net.Http.Headers;
using System.Text;

namespace Verification.AspNetCore.Tests;

/// <summary>What the official CloudBase JS client (@cloudbase/oauth) sends must work unchanged.</summary>
public sealed class CloudBaseCompatibilityTests
{
    [Fact]
    public async Task SendThenVerify_AsTheCloudBaseClientSendsThem_Answers200()
    {
        await using var app = await TestApp.StartAsync();

        using var sent = await app.Client.SendAsync(CloudBaseRequest("/auth/v1/verification?client_id=abc", $$"""{"phone_number":"{{TestApp.Phone}}","target":"ANY"}"""));
        var id = (await Json.ReadSuccessAsync(sent)).GetProperty("verification_id").GetString()!;

        using var verified = await app.Client.SendAsync(CloudBaseRequest("/auth/v1/verification/verify?client_id=abc", VerificationFlowTests.VerifyJson(id, app.SmsSender.LastCode!)));
        var body = await Json.ReadSuccessAsync(verified);
        Assert.Equal(["expires_in", "verification_token"], Json.PropertyNames(body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Send_WithAnyOrNoContentType_ReadsTheBodyAsJson(string? contentType)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostBytesAsync("/auth/v1/verification", Encoding.UTF8.GetBytes($$"""{"email":"{{TestApp.Email}}"}"""), contentType);

        await Json.ReadSuccessAsync(response);
    }

    /// <summary>A request shaped as the CloudBase client shapes it: text/plain JSON, client_id, its headers, no Authorization.</summary>
    internal static HttpRequestMessage CloudBaseRequest(string pathAndQuery, string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain;charset=UTF-8");
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = content };
        request.Headers.TryAddWithoutValidation("x-request-id", Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("x-device-id", "device-" + Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("X-SDK-Version", "@cloudbase/js-sdk/2.9.0");
        request.Headers.TryAddWithoutValidation("undefined", "undefined");
        request.Headers.Accept.ParseAdd("application/json, text/plain, */*");
        return request;
    }
}
