-- wrk script for tools/bench: GET one fixed path with the bearer token.
--
--   wrk ... -s get.lua http://HOST:PORT/api/v1/organizations/ID -- TOKEN
--
-- Only init() is defined, so wrk still sends one prebuilt request (no per-request Lua),
-- and statuses are checked by wrk itself ("Non-2xx or 3xx responses"), which tools/bench
-- reads. That keeps wrk's own CPU cost the same as for the bare-server anchor, which
-- matters on a machine where wrk shares the cores with the server.

function init(args)
  local token = args[1] or error("get.lua: missing TOKEN argument")
  wrk.headers["Authorization"] = "Bearer " .. token
end
