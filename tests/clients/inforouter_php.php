<?php
// Drives salvage's infoRouter web services with PHP's SoapClient, which builds every call from
// the WSDL alone: a WSDL that declares something the server does not do fails here.
//
// Usage: php inforouter_php.php BASE_URL 1.1|1.2
//        (a `salvage serve --demo` server, e.g. http://127.0.0.1:8080)
//
// In the SOAP version given it signs in, deletes a demo document, finds it in the recycle bin,
// restores it to its original place and checks it is back; then it reads a refused sign-in and
// a SOAP fault. Exits non-zero with a message on the first failure.

declare(strict_types=1);

// From crates/salvage/src/commands/demo.rs: alice may delete and restore under /Marketing.
const USER = 'alice';
const PASSWORD = 'demo-password';
const DOCUMENT = '/Marketing/Logos/logo.svg';

function fail(string $message): never
{
    fwrite(STDERR, "FAILED: $message\n");
    exit(1);
}

function ok(string $message): void
{
    echo "ok: $message\n";
}

/** A SoapClient that can be made to send another SOAPAction than the WSDL's. */
class Client extends SoapClient
{
    public ?string $action = null;

    public function __doRequest(string $request, string $location, string $action, int $version, bool $oneWay = false): ?string
    {
        return parent::__doRequest($request, $location, $this->action ?? $action, $version, $oneWay);
    }
}

/** The `<response>`/`<root>` element of an operation's `xsd:any` result. */
function result(object $reply, string $op): SimpleXMLElement
{
    $field = "{$op}Result";
    $any = $reply->$field->any ?? null;
    if (!is_string($any)) {
        fail("$op: no result element in " . var_export($reply, true));
    }
    $xml = simplexml_load_string($any);
    if ($xml === false) {
        fail("$op: the result is not XML: $any");
    }
    return $xml;
}

/** Calls an operation; its result must say success="true". */
function call(SoapClient $client, string $op, array $params): SimpleXMLElement
{
    $result = result($client->$op($params), $op);
    if (strtolower((string) $result['success']) !== 'true') {
        fail("$op(" . json_encode($params) . ") failed: " . $result->asXML());
    }
    return $result;
}

[$script, $base, $version] = $argv + [null, null, null];
if ($base === null || !in_array($version, ['1.1', '1.2'], true)) {
    fail("usage: php $script BASE_URL 1.1|1.2");
}
$base = rtrim($base, '/');
$label = "SOAP $version";
$client = new Client("$base/srv.asmx?WSDL", [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => true,
    'connection_timeout' => 10,
]);

$ticket = (string) call($client, 'AuthenticateUser', ['UID' => USER, 'PWD' => PASSWORD])['ticket'];
if ($ticket === '') {
    fail("$label: AuthenticateUser gave no ticket");
}
// The version asked for is the one spoken: its content type and its envelope.
$sent = $client->__getLastRequestHeaders() . $client->__getLastRequest();
$expected = $version === '1.2'
    ? ['application/soap+xml', 'http://www.w3.org/2003/05/soap-envelope']
    : ['text/xml', 'http://schemas.xmlsoap.org/soap/envelope/'];
foreach ($expected as $mark) {
    if (!str_contains($sent, $mark)) {
        fail("$label: the request does not carry $mark:\n$sent");
    }
}
ok("$label: AuthenticateUser");

// The trash flow: delete, list the recycle bin, restore to the original place, check.
call($client, 'DeleteDocument', ['AuthenticationTicket' => $ticket, 'Path' => DOCUMENT]);
$gone = result($client->DocumentExists(['AuthenticationTicket' => $ticket, 'Path' => DOCUMENT]), 'DocumentExists');
if ((string) $gone['success'] === 'true') {
    fail("$label: DocumentExists after DeleteDocument: " . $gone->asXML());
}
$bin = call($client, 'GetRecycleBinContent', ['AuthenticationTicket' => $ticket]);
$name = basename(DOCUMENT);
$handler = '';
foreach ($bin->xpath('//document') as $item) {
    if ((string) $item['Name'] === $name) {
        $handler = (string) $item['Handler'];
    }
}
if ($handler === '') {
    fail("$label: the recycle bin does not list $name: " . $bin->asXML());
}
ok("$label: the recycle bin lists $name as $handler");
// An empty RestorePath restores to the original location.
call($client, 'RestoreRecycleBinItem', ['AuthenticationTicket' => $ticket, 'ItemHandler' => $handler, 'RestorePath' => '']);
call($client, 'DocumentExists', ['AuthenticationTicket' => $ticket, 'Path' => DOCUMENT]);
ok("$label: restored " . DOCUMENT);

// A refused sign-in is an answer that says why, as infoRouter gives it.
$refused = result($client->AuthenticateUser(['UID' => USER, 'PWD' => 'wrong']), 'AuthenticateUser');
if ((string) $refused['success'] === 'true' || (string) $refused['error'] === '') {
    fail("$label: a wrong password was not refused with a reason: " . $refused->asXML());
}
ok("$label: a wrong password is refused: " . $refused['error']);

// A request the server cannot take (here an action it does not know, as a client built for
// another server might send) is a SOAP fault, which the client reads as a SoapFault.
$client->action = 'http://tempuri.org/NoSuchOperation';
try {
    $client->GetRecycleBinContent(['AuthenticationTicket' => $ticket]);
    fail("$label: an unknown SOAPAction was answered");
} catch (SoapFault $fault) {
    if (!str_contains($fault->getMessage(), 'did not recognize')) {
        fail("$label: the fault does not say why: {$fault->faultcode} {$fault->getMessage()}");
    }
    ok("$label: an unknown action is a SoapFault ({$fault->faultcode}: {$fault->getMessage()})");
}

echo "php: all infoRouter calls succeeded\n";
