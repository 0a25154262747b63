using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Verification.AspNetCore.Tests;

/// <summary>The captcha token of a send reaches the <see cref="ICaptchaValidator"/> from the header or the query.</summary>
public sealed class CaptchaTests
{
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Fact]
    public async Task Send_WithCaptchaTokenHeaderAndValidAnswer_PassesTheTokenAndSends()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("x-captcha-token", "header-token");

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        await validator.Received(1).ValidateAsync("header-token", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
        Assert.Single(app.Messages);
    }

    [Fact]
    public async Task Send_WithCaptchaTokenQueryAndValidAnswer_PassesTheTokenAndSends()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));

        using var response = await app.PostAsync("/auth/v1/verification?client_id=abc&captcha_token=query%2Dtoken", PhoneJson);

        await Json.ReadSuccessAsync(response);
        await validator.Received(1).ValidateAsync("query-token", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Send_WithBothHeaderAndQueryToken_PrefersTheHeader()
    {
        var validator = Validator(CaptchaValidationStatus.Valid);
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification?captcha_token=query-token") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("x-captcha-token", "header-token");

        using var response = await app.Client.SendAsync(request);

        await Json.ReadSuccessAsync(response);
        await validator.Received(1).ValidateAsync("header-token", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
        await validator.DidNotReceive().ValidateAsync("query-token", Arg.Any<VerificationContext?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Send_WithCaptchaTokenAndInvalidAnswer_AnswersCaptchaInvalid4027AndSendsNothing()
    {
        var validator = Validator(CaptchaValidationStatus.Invalid, "used");
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/v1/verification") { Content = new StringContent(PhoneJson) };
        request.Headers.Add("x-captcha-token", "stale-token");

        using var response = await app.Client.SendAsync(request);

        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "captcha_invalid", 4027);
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_WithCaptchaTokenAndUnreachableValidator_AnswersUnavailable503()
    {
        var validator = Validator(CaptchaValidationStatus.Unavailable);
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));

        using var response = await app.PostAsync("/auth/v1/verification?captcha_token=t", PhoneJson);

        var body = await Json.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable", 5003);
        Assert.Equal("captcha_unavailable", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Send_WithoutCaptchaToken_DoesNotCallTheValidator()
    {
        var validator = Validator(CaptchaValidationStatus.Invalid);
        await using var app = await TestApp.StartAsync(o => o.Services = s => s.AddSingleton(validator));

        using var response = await app.PostAsync("/auth/v1/verification?captcha_token=", PhoneJson);

        await Json.ReadSuccessAsync(response);
        await validator.DidNotReceiveWithAnyArgs().ValidateAsync(default!, default, default);
    }

    private static ICaptchaValidator Validator(CaptchaValidationStatus status, string? reason = null)
    {
        var validator = Substitute.For<ICaptchaValidator>();
        validator.ValidateAsync(default!, default, default).ReturnsForAnyArgs(new ValueTask<CaptchaValidationResult>(new CaptchaValidationResult(status, reason)));
        return validator;
    }
}
