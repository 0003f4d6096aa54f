<?php
// Drives salvage's Scene7 IPS service with PHP's SoapClient, the most common Scene7 client,
// which builds every call from the WSDL alone.
//
// Usage: php scene7_php.php BASE_URL 1.1|1.2 [API_VERSION]
//        (a `salvage serve --demo` server; API_VERSION such as 2014-04-03, unversioned if absent)
//
// As the demo administrator, with the `authHeader` and a client that accepts gzip: finds the
// company, deletes two assets, lists them in the trash, restores them and checks they are back
// in their folders; makes a call with `gzipResponse` false (an answer with no Content-Encoding,
// which SoapClient reads); and reads faults as SoapFaults with their IPS code, gzipResponse
// false included. Exits non-zero with a message on the first failure.

declare(strict_types=1);

const AUTH_NS = 'http://www.scene7.com/IpsApi/xsd';
const COMPANY = 'default';
const ADMIN = 'admin';
const ADMIN_PASSWORD = 'demo-admin';

function fail(string $message): never
{
    fwrite(STDERR, "FAILED: $message\n");
    exit(1);
}

function check(bool $condition, string $message): void
{
    if (!$condition) {
        fail($message);
    }
    echo "ok: $message\n";
}

function auth_header(string $password, ?bool $gzip = null): SoapHeader
{
    $fields = ['user' => ADMIN, 'password' => $password, 'appName' => 'scene7_php', 'appVersion' => '1.0'];
    if ($gzip !== null) {
        $fields['gzipResponse'] = $gzip;
    }
    return new SoapHeader(AUTH_NS, 'authHeader', $fields);
}

/** The Content-Encoding of the last response, or null without one. */
function content_encoding(SoapClient $client): ?string
{
    $headers = $client->__getLastResponseHeaders() ?? '';
    return preg_match('/^content-encoding:\s*(\S+)/mi', $headers, $m) ? strtolower($m[1]) : null;
}

/** The fault detail (`authenticationFault`, `authorizationFault` or `ipsApiFault`) and code. */
function fault_code(SoapFault $fault): array
{
    foreach (['authenticationFault', 'authorizationFault', 'ipsApiFault'] as $kind) {
        if (isset($fault->detail->$kind->code)) {
            return [$kind, (int) $fault->detail->$kind->code];
        }
    }
    fail("a fault without a readable detail: {$fault->faultcode} {$fault->getMessage()} " . var_export($fault->detail ?? null, true));
}

/** Runs `$call`, which must fail with a SoapFault of `$kind` and `$code`. */
function expect_fault(callable $call, string $kind, int $code, string $what): SoapFault
{
    try {
        $call();
    } catch (SoapFault $fault) {
        check(fault_code($fault) === [$kind, $code], "$what is $kind $code ({$fault->getMessage()})");
        return $fault;
    }
    fail("$what was answered, not refused");
}

[$script, $base, $version, $api] = $argv + [null, null, null, ''];
if ($base === null || !in_array($version, ['1.1', '1.2'], true)) {
    fail("usage: php $script BASE_URL 1.1|1.2 [API_VERSION]");
}
$base = rtrim($base, '/');
$wsdl = "$base/scene7/webservice/IpsApi" . ($api !== '' ? "-$api" : '') . '.wsdl';
$client = new SoapClient($wsdl, [
    'soap_version' => $version === '1.2' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => true,
    'connection_timeout' => 10,
    // Accept-Encoding: gzip, so the server compresses unless told not to.
    'compression' => SOAP_COMPRESSION_ACCEPT | SOAP_COMPRESSION_GZIP,
    // An array of one item is still an array.
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);
$client->__setSoapHeaders([auth_header(ADMIN_PASSWORD)]);
$label = "SOAP $version" . ($api !== '' ? " $api" : '');

$info = $client->getCompanyInfo(['companyName' => COMPANY])->companyInfo;
$company = $info->companyHandle;
check($info->name === COMPANY && $info->rootPath === COMPANY . '/', "$label: getCompanyInfo $company {$info->rootPath}");
check(content_encoding($client) === 'gzip', "$label: answered gzipped, as accepted");
$sent = $client->__getLastRequestHeaders();
check(
    str_contains($sent, $version === '1.2' ? 'application/soap+xml' : 'text/xml'),
    "$label: sent as SOAP $version"
);

/** Assets of the company (live, or `InTrash`), handle => asset. */
$search = function (string $trashState = 'NotInTrash') use ($client, $company): array {
    $found = $client->searchAssets([
        'companyHandle' => $company,
        'includeSubfolders' => true,
        'trashState' => $trashState,
    ]);
    $assets = [];
    foreach ($found->assetArray->items ?? [] as $asset) {
        $assets[$asset->assetHandle] = $asset;
    }
    check($found->totalRows === count($assets), "searchAssets $trashState: totalRows {$found->totalRows}");
    return $assets;
};

// The trash flow.
$live = $search();
check(count($live) >= 2, "$label: live assets to work with (" . count($live) . ')');
$chosen = array_slice($live, 0, 2, true);
$handles = array_keys($chosen);
$deleted = $client->deleteAssets(['companyHandle' => $company, 'assetHandleArray' => ['items' => $handles]]);
check([$deleted->successCount, $deleted->warningCount, $deleted->errorCount] === [2, 0, 0], "$label: deleteAssets deleted 2");
$trashed = $search('InTrash');
check(array_diff($handles, array_keys($trashed)) === [], "$label: the trash lists both");
foreach ($handles as $h) {
    check($trashed[$h]->folder === $chosen[$h]->folder, "$label: $h is in the trash from {$chosen[$h]->folder}");
}
$unknown = 'a|987654321';
$restored = $client->restoreAssetsFromTrash([
    'companyHandle' => $company,
    'assetHandleArray' => ['items' => array_merge($handles, [$unknown])],
]);
check(
    [$restored->successCount, $restored->warningCount, $restored->errorCount] === [2, 0, 1],
    "$label: restoreAssetsFromTrash restored 2, refused 1"
);
$error = $restored->errorDetailArray->items[0];
check($error->assetHandle === $unknown && $error->code === 30001, "$label: the unknown handle is error 30001 ({$error->reason})");
$again = $search();
foreach ($handles as $h) {
    check(isset($again[$h]) && $again[$h]->folder === $chosen[$h]->folder, "$label: $h is back in {$chosen[$h]->folder}");
}

// gzipResponse false: no Content-Encoding at all, which SoapClient reads.
$client->__setSoapHeaders([auth_header(ADMIN_PASSWORD, false)]);
$plain = $client->getCompanyInfo(['companyName' => COMPANY])->companyInfo;
check($plain->companyHandle === $company, "$label: getCompanyInfo with gzipResponse false");
check(content_encoding($client) === null, "$label: answered with no Content-Encoding");

// Faults, with and without gzip.
foreach ([true, false] as $gzip) {
    $client->__setSoapHeaders([auth_header(ADMIN_PASSWORD, $gzip)]);
    $mode = $gzip ? 'gzip' : 'gzipResponse false';
    expect_fault(
        fn () => $client->getCompanyInfo(['companyHandle' => 'c|987654321']),
        'authorizationFault',
        20000,
        "$label ($mode): an unknown company"
    );
    check(content_encoding($client) === ($gzip ? 'gzip' : null), "$label ($mode): the fault's Content-Encoding");
    $client->__setSoapHeaders([auth_header('wrong password', $gzip)]);
    expect_fault(
        fn () => $client->getCompanyInfo(['companyName' => COMPANY]),
        'authenticationFault',
        10001,
        "$label ($mode): a wrong password"
    );
}

echo "php: all Scene7 checks passed\n";
