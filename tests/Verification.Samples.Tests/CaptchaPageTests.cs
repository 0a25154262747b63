using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Verification.Samples.Tests;

/// <summary>
/// The demo page with every send behind the image captcha (Captcha:AlwaysRequire): the page shows the picture when a
/// send answers captcha_required, and passes once it is solved. The answer comes from the sample's test seam
/// (Sample:RecordCaptchaAnswersTo), never from an HTTP response.
/// </summary>
[Trait("Requires", "browser")]
public sealed class CaptchaPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Send_WhenCaptchaRequired_ShowsPictureAndPassesOnceSolved()
    {
        Chromium.Require();
        var answers = Path.Combine(Path.GetTempPath(), "verification-captcha-answers-" + Guid.NewGuid().ToString("N") + ".txt");
        await using var server = await SampleServer.StartAsync(
            "--Verification:Captcha:AlwaysRequire=true",
            "--Sample:RecordCaptchaAnswersTo=" + answers);
        using var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("verification-chromium-").FullName;
        var pageErrors = new List<string>();
        try
        {
            await using var context = await Chromium.LaunchAsync(playwright, profile);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            page.PageError += (_, error) => pageErrors.Add(error);
            await page.GotoAsync(server.BaseUrl.ToString());

            var email = $"captcha-{Guid.NewGuid():N}@example.com";
            var before = Pickup.Snapshot(server.PickupDirectory);
            await page.GetByLabel("Phone number or email").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send code", Exact = true }).ClickAsync();

            // The send answered captcha_required: the page asks for the characters of a picture.
            var image = page.Locator("#captcha-image");
            await Expect(page.Locator("#captcha-form")).ToBeVisibleAsync();
            await Expect(image).ToHaveAttributeAsync("src", new Regex("^data:image/png;base64,"));
            var drawn = await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0");
            Assert.Equal(160, drawn);

            // A wrong answer keeps the same picture and says so.
            await page.GetByLabel("Type the characters in the picture").FillAsync("XXXXX");
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
            await Expect(page.Locator("#status")).ToContainTextAsync("invalid_captcha", new() { Timeout = (float)Timeout.TotalMilliseconds });

            // The right answer, typed in lower case, lets the send through.
            var answer = (await File.ReadAllLinesAsync(answers)).Last();
            await page.GetByLabel("Type the characters in the picture").FillAsync(answer.ToLowerInvariant());
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex(@"^Code sent\."), new() { Timeout = (float)Timeout.TotalMilliseconds });
            await Expect(page.Locator("#captcha-form")).ToBeHiddenAsync();

            var code = await Pickup.WaitForCodeAsync(server.PickupDirectory, email, before, Timeout);
            await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex("^Signed up as " + Regex.Escape(email)));

            var screenshot = Path.Combine(Path.GetTempPath(), "verification-samples-tests", "demo-captcha.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.Empty(pageErrors);
        }
        catch
        {
            output.WriteLine(server.Transcript);
            throw;
        }
        finally
        {
            File.Delete(answers);
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold a file for a moment; it is a temporary folder.
            }
        }
    }
}
