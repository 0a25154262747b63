using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Verification;
using Verification.Testing;

namespace Verification.Testing.Tests;

// An app's sign-up tested with Verification.Testing: here the WebApi sample's own endpoints, through WebApplicationFactory.
public sealed class SignUpTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task SignUp_WithTheCodeTexted_CreatesTheAccountOnce()
    {
        var app = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddVerification().UseFakes(fakes => fakes.ReplaceUserDirectory = false))); // keep the app's accounts
        var client = app.CreateClient();
        var sms = app.Services.GetRequiredService<FakeSmsSender>();

        // 1. Ask for a code: nothing is sent, the fake keeps the message.
        var sent = await client.PostAsJsonAsync("/auth/v1/verification", new { phone_number = "+86 155 8866 5555" });
        var send = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(send.GetProperty("is_user").GetBoolean());

        // 2. Type the code the "phone" received.
        var verified = await client.PostAsJsonAsync("/auth/v1/verification/verify", new
        {
            verification_id = send.GetProperty("verification_id").GetString(),
            verification_code = sms.LastCodeTo("+8615588665555"),
        });
        var token = (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verification_token").GetString();

        // 3. Sign up with the verification token: the account exists, and the token cannot be replayed.
        var signUp = await client.PostAsJsonAsync("/auth/v1/signup", new { phone_number = "+86 155 8866 5555", verification_token = token });
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        Assert.Equal("signed_up", (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var replay = await client.PostAsJsonAsync("/auth/v1/signup", new { verification_token = token });
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_verification_token", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
