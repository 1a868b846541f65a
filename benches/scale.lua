-- A Teams-like request mix for wrk over many organizations (benches/scale.sh):
-- 40% a page of a list, 30% a search, 20% /me, 10% a new contact. Each request is made as a random
-- organization's user, from ORGS_FILE (lines "<token> <list id>", written by scale_setup.py).
local orgs = {}
local words = {"mart", "bern", "dubois", "thom", "rob", "rich", "petit", "dur", "leroy", "mor", "contoso", "06"}

function init(args)
  for line in io.lines(os.getenv("ORGS_FILE")) do
    local tok, list = line:match("^(%S+) (%S+)$")
    if tok then orgs[#orgs + 1] = {tok, list} end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local o = orgs[math.random(#orgs)]
  local h = {["Authorization"] = "Bearer " .. o[1]}
  local r = math.random(100)
  if r <= 40 then
    return wrk.format("GET", "/api/v1/lists/" .. o[2] .. "/contacts?page=1&per_page=50", h)
  elseif r <= 70 then
    return wrk.format("GET", "/api/v1/lists/" .. o[2] .. "/contacts?q=" .. words[math.random(#words)], h)
  elseif r <= 90 then
    return wrk.format("GET", "/api/v1/me", h)
  else
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/lists/" .. o[2] .. "/contacts", h,
      '{"full_name":"Load ' .. math.random(1000000) .. '","company":"Wrk"}')
  end
end
