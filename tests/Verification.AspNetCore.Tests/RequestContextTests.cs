using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;

namespace Verification.AspNetCore.Tests;

/// <summary>What the endpoints take from the HTTP request besides the body: client IP, device, idempotency key, culture.</summary>
public sealed class RequestContextTests
{
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Fact]
    public async Task Send_WithForwardedForAndHeaders_PassesConnectionIpDeviceIdAndIdempotencyKey()
    {
        VerificationRequest? seenRequest = null;
        VerificationContext? seenContext = null;
        var service = Substitute.For<IVerificationService>();
        service.SendAsync(Arg.Do<VerificationRequest>(r => seenRequest = r), Arg.Do<VerificationContext?>(c => seenContext = c), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<VerificationResult<VerificationResponse>>(new VerificationResponse("vid", 600)));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(service)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification?captcha_token=q")
        {
            Content = new StringContent("""{"email":"someone@example.com","target":"NOT_USER","usage":"PASSWORD_RESET"}"""),
        };
        request.Headers.Add("X-Forwarded-For", "1.2.3.4");
        request.Headers.Add("X-Real-IP", "1.2.3.4");
        request.Headers.Add("x-device-id", "device-42");
        request.Headers.Add("Idempotency-Key", "idem-7");
        request.Headers.Add("Accept-Language", "fr-FR;q=0.5, zh-CN");

        using var response = await app.Client.SendAsync(request);

        var body = await Json.ReadSuccessAsync(response);
        Assert.Equal(["expires_in", "verification_id"], Json.PropertyNames(body));
        Assert.NotNull(seenContext);
        Assert.Equal(IPAddress.Loopback, seenContext.ClientIp);
        Assert.Equal("device-42", seenContext.DeviceId);
        Assert.Equal("idem-7", seenContext.IdempotencyKey);
        Assert.Equal("zh-CN", seenContext.Culture?.Name);
        Assert.Equal(new VerificationRequest(null, "someone@example.com", VerificationTarget.NotUser, VerificationUsage.PasswordReset, "q"), seenRequest);
    }

    [Fact]
    public async Task Send_WithoutOptionalHeaders_PassesNullDeviceIdempotencyKeyAndCulture()
    {
        VerificationContext? seenContext = null;
        var service = Substitute.For<IVerificationService>();
        service.SendAsync(Arg.Any<VerificationRequest>(), Arg.Do<VerificationContext?>(c => seenContext = c), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<VerificationResult<VerificationResponse>>(new VerificationResponse("vid", 600, true)));
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.Replace(ServiceDescriptor.Singleton(service)));

        using var response = await app.PostAsync("/auth/v1/verification", PhoneJson);

        Assert.True((await Json.ReadSuccessAsync(response)).GetProperty("is_user").GetBoolean());
        Assert.NotNull(seenContext);
        Assert.Equal(IPAddress.Loopback, seenContext.ClientIp);
        Assert.Null(seenContext.DeviceId);
        Assert.Null(seenContext.IdempotencyKey);
        Assert.Null(seenContext.Culture);
    }

    [Fact]
    public async Task Send_WithDeviceIdLongerThan128_AnswersInvalidArgumentOnDeviceId()
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("x-device-id", new string('d', 129));

        using var response = await app.Client.SendAsync(request);

        await Json.AssertInvalidArgumentAsync(response, "device_id", "too_long");
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_WithDeviceIdOf128_Sends()
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("x-device-id", new string('d', 128));

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
    }

    [Fact]
    public async Task Send_WithIdempotencyKeyLongerThan128_AnswersInvalidArgumentOnIdempotencyKey()
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("Idempotency-Key", new string('k', 129));

        using var response = await app.Client.SendAsync(request);

        await Json.AssertInvalidArgumentAsync(response, "idempotency_key", "too_long");
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN", "验证码")]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "验证码")]
    [InlineData("en-US", "en-US", "is your verification code")]
    [InlineData("en-US,en;q=0.9", "en-US", "is your verification code")]
    public async Task Send_WithAcceptLanguage_RendersTheSmsInThatLanguage(string acceptLanguage, string culture, string expected)
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        var message = app.SmsSender.LastMessage!;
        Assert.Equal(culture, message.Culture.Name);
        Assert.Contains(expected, message.Body, StringComparison.Ordinal);
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("xx-NOPE")]
    [InlineData("*")]
    [InlineData(";;;")]
    public async Task Send_WithoutUsableAcceptLanguage_RendersInTheDefaultCulture(string? acceptLanguage)
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        Assert.Equal(CultureInfo.GetCultureInfo("en"), app.SmsSender.LastMessage!.Culture);
        Assert.Contains("is your verification code", app.SmsSender.LastMessage!.Body, StringComparison.Ordinal);
    }
}
