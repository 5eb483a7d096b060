-- POST /authenticate with the credential that run.sh bootstrapped and exported.
local function need(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set; run bench/auth/run.sh rather than wrk directly")
  end
  return (value:gsub('[\\"]', '\\%0'))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"client_id":"%s","secret":"%s","customer_id":"%s"}',
  need("COMMUNIQUE_CLIENT_ID"), need("COMMUNIQUE_CLIENT_SECRET"), need("COMMUNIQUE_CUSTOMER_ID"))
