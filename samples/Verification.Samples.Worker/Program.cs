// The service with no web stack: a generic host sends a code, reads it back from the pickup directory the
// library writes to, verifies it, redeems the verification token and prints what happened.
//
//   dotnet run --project samples/Verification.Samples.Worker -- someone@example.com
//   dotnet run --project samples/Verification.Samples.Worker -- "+86 155 8866 5555"
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Verification;

var contact = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "someone@example.com";
var pickup = Path.Combine(Path.GetTempPath(), "verification-worker-" + Guid.NewGuid().ToString("N"));

// appsettings.json beside the program, whatever the current directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Verification:PickupDirectory"] = pickup });
builder.Services.AddVerification();
using var host = builder.Build();
await host.StartAsync();

try
{
    var verification = host.Services.GetRequiredService<IVerificationService>();
    var request = contact.Contains('@', StringComparison.Ordinal)
        ? new VerificationRequest(Email: contact, Usage: VerificationUsage.SignIn)
        : new VerificationRequest(PhoneNumber: contact, Usage: VerificationUsage.SignIn);

    var sent = await verification.SendAsync(request);
    if (!sent.Succeeded)
    {
        Console.Error.WriteLine($"send failed: {sent.Error}");
        return 1;
    }

    Console.WriteLine($"sent: expires_in={sent.Value.ExpiresIn}");

    // The pickup-directory sender wrote the message as one JSON file; a person would read it from their phone.
    var file = Directory.GetFiles(pickup, "*.json").Single();
    using var message = JsonDocument.Parse(await File.ReadAllTextAsync(file));
    var body = message.RootElement.GetProperty("body").GetString()!;
    var length = host.Services.GetRequiredService<IOptions<VerificationOptions>>().Value.Code.Length;
    var code = Regex.Match(body, $@"(?<!\d)\d{{{length}}}(?!\d)").Value;
    Console.WriteLine($"message to {message.RootElement.GetProperty("to").GetString()}: {body.Split('\n')[0]}");

    var verified = await verification.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, code));
    if (!verified.Succeeded)
    {
        Console.Error.WriteLine($"verify failed: {verified.Error}");
        return 1;
    }

    Console.WriteLine($"verified: verification_token expires_in={verified.Value.ExpiresIn}");

    var redeemed = await verification.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
    var again = await verification.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
    if (!redeemed.Succeeded || again.Succeeded)
    {
        Console.Error.WriteLine($"redeem failed: {redeemed.Error}; second redeem: {again}");
        return 1;
    }

    Console.WriteLine($"redeemed: {redeemed.Value.Channel} {redeemed.Value.Contact} ({redeemed.Value.Usage}); a second redeem answers {again.Error!.Code} ({again.Error.Reason})");
    return 0;
}
finally
{
    await host.StopAsync();
    if (Directory.Exists(pickup))
    {
        Directory.Delete(pickup, recursive: true);
    }
}
