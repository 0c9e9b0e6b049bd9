
cs_co_variant:
     0:	pushq	%rbp
     1:	movq	%rsp, %rbp
     4:	pushq	%r15
     6:	pushq	%r14
     8:	pushq	%r13
     a:	pushq	%r12
     c:	pushq	%rbx
     d:	andq	$-32, %rsp
    11:	subq	$96, %rsp
    15:	movq	136(%rbp), %rbx
    1c:	movl	128(%rbp), %r15d
    23:	movl	104(%rbp), %r13d
    27:	movl	96(%rbp), %r14d
    2b:	movl	88(%rbp), %eax
    2e:	movl	%r9d, 4(%rsp)
    33:	movq	%rsi, 8(%rsp)
    38:	cmpq	$0, (%rbx)
    3c:	jne	25
    3e:	leal	(,%rax,8), %eax
    45:	leal	(%rax,%rax,2), %edi
    48:	movabsq	$139707954140720, %rax
    52:	callq	*%rax
    54:	movq	%rax, (%rbx)
    57:	movq	(%rbx), %rdx
    5a:	leal	(,%r15,8), %eax
    62:	leal	3(,%r15,8), %edi
    6a:	leal	1(,%r15,8), %ebx
    72:	leal	6(,%r15,8), %r12d
    7a:	leal	5(,%r15,8), %r11d
    82:	leal	4(,%r15,8), %r10d
    8a:	vpcmpeqd	%ymm2, %ymm2, %ymm2
    8e:	leal	(%rax,%rax,2), %ecx
    91:	movslq	%ecx, %rsi
    94:	movabsq	$139708023129776, %rcx
    9e:	movq	%rcx, (%rdx,%rsi)
    a2:	movabsq	$139708023129776, %rcx
    ac:	movq	%rdx, 24(%rsp)
    b1:	movq	%rsi, 16(%rsp)
    b6:	movq	%rcx, 8(%rdx,%rsi)
    bb:	xorl	%edx, %edx
    bd:	divl	%r13d
    c0:	leal	2(,%r15,8), %esi
    c8:	movl	%edi, %eax
    ca:	leal	7(,%r15,8), %ecx
    d2:	movl	%edx, (%rsp)
    d5:	xorl	%edx, %edx
    d7:	divl	%r13d
    da:	movl	%edx, %r9d
    dd:	movl	%esi, %eax
    df:	xorl	%edx, %edx
    e1:	divl	%r13d
    e4:	movl	%ebx, %eax
    e6:	movl	%edx, %r8d
    e9:	xorl	%edx, %edx
    eb:	divl	%r13d
    ee:	movl	%ecx, %eax
    f0:	movl	%edx, %ebx
    f2:	xorl	%edx, %edx
    f4:	divl	%r13d
    f7:	movl	%r12d, %eax
    fa:	movl	%edx, %ecx
    fc:	xorl	%edx, %edx
    fe:	divl	%r13d
   101:	movl	%r11d, %eax
   104:	movl	%edx, %edi
   106:	xorl	%edx, %edx
   108:	divl	%r13d
   10b:	movl	%r10d, %eax
   10e:	movl	%edx, %esi
   110:	xorl	%edx, %edx
   112:	divl	%r13d
   115:	vmovd	(%rsp), %xmm1
   11a:	vmovd	%edx, %xmm0
   11e:	vpinsrd	$1, %esi, %xmm0, %xmm0
   124:	vpinsrd	$2, %edi, %xmm0, %xmm0
   12a:	vpinsrd	$3, %ecx, %xmm0, %xmm0
   130:	vpinsrd	$1, %ebx, %xmm1, %xmm1
   136:	vpinsrd	$2, %r8d, %xmm1, %xmm1
   13c:	vpinsrd	$3, %r9d, %xmm1, %xmm1
   142:	vinserti128	$1, %xmm0, %ymm1, %ymm0
   148:	testl	%r14d, %r14d
   14b:	je	56
   14d:	movl	88(%rbp), %eax
   150:	decl	%eax
   152:	cmpl	%r15d, %eax
   155:	movq	8(%rsp), %r15
   15a:	jne	46
   15c:	vpcmpeqd	%ymm2, %ymm2, %ymm2
   160:	movl	%r14d, %eax
   163:	andl	$7, %eax
   166:	vmovdqa	%ymm2, 32(%rsp)
   16c:	incl	%r14d
   16f:	movl	$0, 32(%rsp,%rax,4)
   177:	vmovdqa	32(%rsp), %ymm2
   17d:	cmpl	$8, %r14d
   181:	jb	-35
   183:	jmp	5
   185:	movq	8(%rsp), %r15
   18a:	vmovd	4(%rsp), %xmm1
   190:	movabsq	$139708023123968, %rax
   19a:	vpxor	%xmm4, %xmm4, %xmm4
   19e:	vpcmpeqd	%xmm4, %xmm2, %xmm5
   1a2:	vpbroadcastd	(%rax), %ymm3
   1a7:	vmovd	%xmm5, %eax
   1ab:	notl	%eax
   1ad:	vpslld	$3, %xmm1, %xmm1
   1b2:	vpbroadcastd	%xmm1, %ymm1
   1b7:	vpaddd	%ymm1, %ymm0, %ymm0
   1bb:	vpslld	$2, %ymm0, %ymm1
   1c0:	vpaddd	%ymm3, %ymm1, %ymm1
   1c4:	vpsrad	$2, %ymm1, %ymm3
   1c9:	vpxor	%xmm1, %xmm1, %xmm1
   1cd:	testb	$1, %al
   1cf:	je	29
   1d1:	movq	16(%r15), %rcx
   1d5:	vmovd	%xmm3, %edx
   1d9:	movl	8(%rcx), %esi
   1dc:	sarl	$2, %esi
   1df:	cmpl	%esi, %edx
   1e1:	jae	11
   1e3:	movq	(%rcx), %rcx
   1e6:	movslq	%edx, %rdx
   1e9:	vmovd	(%rcx,%rdx,4), %xmm1
   1ee:	vpcmpeqd	%xmm4, %xmm2, %xmm5
   1f2:	vpcmpeqd	%xmm4, %xmm4, %xmm4
   1f6:	vpxor	%xmm4, %xmm5, %xmm5
   1fa:	vpextrb	$4, %xmm5, %r8d
   200:	testb	$1, %r8b
   204:	je	51
   206:	movq	16(%r15), %rcx
   20a:	vpextrd	$1, %xmm3, %edx
   210:	movl	8(%rcx), %esi
   213:	sarl	$2, %esi
   216:	cmpl	%esi, %edx
   218:	jae	21
   21a:	movq	(%rcx), %rcx
   21d:	movslq	%edx, %rdx
   220:	vpinsrd	$1, (%rcx,%rdx,4), %xmm1, %xmm5
   227:	vpblendd	$15, %ymm5, %ymm1, %ymm1
   22d:	jmp	10
   22f:	vpxor	%xmm5, %xmm5, %xmm5
   233:	vpblendd	$2, %ymm5, %ymm1, %ymm1
   239:	vpxor	%xmm5, %xmm5, %xmm5
   23d:	vpcmpeqd	%xmm5, %xmm2, %xmm6
   241:	vpxor	%xmm4, %xmm6, %xmm4
   245:	vpextrb	$8, %xmm4, %r9d
   24b:	testb	$1, %r9b
   24f:	je	51
   251:	movq	16(%r15), %rcx
   255:	vpextrd	$2, %xmm3, %edx
   25b:	movl	8(%rcx), %esi
   25e:	sarl	$2, %esi
   261:	cmpl	%esi, %edx
   263:	jae	21
   265:	movq	(%rcx), %rcx
   268:	movslq	%edx, %rdx
   26b:	vpinsrd	$2, (%rcx,%rdx,4), %xmm1, %xmm4
   272:	vpblendd	$15, %ymm4, %ymm1, %ymm1
   278:	jmp	10
   27a:	vpxor	%xmm4, %xmm4, %xmm4
   27e:	vpblendd	$4, %ymm4, %ymm1, %ymm1
   284:	vpcmpeqd	%xmm5, %xmm2, %xmm4
   288:	vpcmpeqd	%xmm5, %xmm5, %xmm5
   28c:	vpxor	%xmm5, %xmm4, %xmm4
   290:	vpextrb	$12, %xmm4, %r10d
   296:	testb	$1, %r10b
   29a:	je	51
   29c:	movq	16(%r15), %rcx
   2a0:	vpextrd	$3, %xmm3, %edx
   2a6:	movl	8(%rcx), %esi
   2a9:	sarl	$2, %esi
   2ac:	cmpl	%esi, %edx
   2ae:	jae	21
   2b0:	movq	(%rcx), %rcx
   2b3:	movslq	%edx, %rdx
   2b6:	vpinsrd	$3, (%rcx,%rdx,4), %xmm1, %xmm4
   2bd:	vpblendd	$15, %ymm4, %ymm1, %ymm1
   2c3:	jmp	10
   2c5:	vpxor	%xmm4, %xmm4, %xmm4
   2c9:	vpblendd	$8, %ymm4, %ymm1, %ymm1
   2cf:	vextracti128	$1, %ymm2, %xmm4
   2d5:	vpxor	%xmm2, %xmm2, %xmm2
   2d9:	vpcmpeqd	%xmm2, %xmm4, %xmm6
   2dd:	vpxor	%xmm5, %xmm6, %xmm2
   2e1:	vpextrb	$0, %xmm2, %r11d
   2e7:	vextracti128	$1, %ymm3, %xmm2
   2ed:	testb	$1, %r11b
   2f1:	je	42
   2f3:	movq	16(%r15), %rcx
   2f7:	vmovd	%xmm2, %edx
   2fb:	movl	8(%rcx), %esi
   2fe:	sarl	$2, %esi
   301:	cmpl	%esi, %edx
   303:	jae	14
   305:	movq	(%rcx), %rcx
   308:	movslq	%edx, %rdx
   30b:	vpbroadcastd	(%rcx,%rdx,4), %ymm3
   311:	jmp	4
   313:	vpxor	%xmm3, %xmm3, %xmm3
   317:	vpblendd	$16, %ymm3, %ymm1, %ymm1
   31d:	vpcmpeqd	%xmm3, %xmm3, %xmm3
   321:	vpxor	%xmm3, %xmm6, %xmm5
   325:	vpextrb	$4, %xmm5, %r14d
   32b:	testb	$1, %r14b
   32f:	je	44
   331:	movq	16(%r15), %rcx
   335:	vpextrd	$1, %xmm2, %edx
   33b:	movl	8(%rcx), %esi
   33e:	sarl	$2, %esi
   341:	cmpl	%esi, %edx
   343:	jae	14
   345:	movq	(%rcx), %rcx
   348:	movslq	%edx, %rdx
   34b:	vpbroadcastd	(%rcx,%rdx,4), %ymm5
   351:	jmp	4
   353:	vpxor	%xmm5, %xmm5, %xmm5
   357:	vpblendd	$32, %ymm5, %ymm1, %ymm1
   35d:	vpxor	%xmm5, %xmm5, %xmm5
   361:	vpcmpeqd	%xmm5, %xmm4, %xmm4
   365:	vpxor	%xmm3, %xmm4, %xmm3
   369:	vpextrb	$8, %xmm3, %ecx
   36f:	testb	$1, %cl
   372:	je	44
   374:	movq	16(%r15), %rdx
   378:	vpextrd	$2, %xmm2, %esi
   37e:	movl	8(%rdx), %edi
   381:	sarl	$2, %edi
   384:	cmpl	%edi, %esi
   386:	jae	14
   388:	movq	(%rdx), %rdx
   38b:	movslq	%esi, %rsi
   38e:	vpbroadcastd	(%rdx,%rsi,4), %ymm3
   394:	jmp	4
   396:	vpxor	%xmm3, %xmm3, %xmm3
   39a:	vpblendd	$64, %ymm3, %ymm1, %ymm1
   3a0:	vpcmpeqd	%xmm3, %xmm3, %xmm3
   3a4:	vpxor	%xmm3, %xmm4, %xmm3
   3a8:	vpextrb	$12, %xmm3, %edx
   3ae:	testb	$1, %dl
   3b1:	je	44
   3b3:	movq	16(%r15), %rsi
   3b7:	vpextrd	$3, %xmm2, %edi
   3bd:	movl	8(%rsi), %ebx
   3c0:	sarl	$2, %ebx
   3c3:	cmpl	%ebx, %edi
   3c5:	jae	14
   3c7:	movq	(%rsi), %rsi
   3ca:	movslq	%edi, %rdi
   3cd:	vpbroadcastd	(%rsi,%rdi,4), %ymm2
   3d3:	jmp	4
   3d5:	vpxor	%xmm2, %xmm2, %xmm2
   3d9:	vpblendd	$128, %ymm2, %ymm1, %ymm1
   3df:	movabsq	$139708023123972, %rsi
   3e9:	vbroadcastss	(%rsi), %ymm2
   3ee:	movabsq	$139708023123976, %rsi
   3f8:	vpbroadcastd	(%rsi), %ymm3
   3fd:	vaddps	%ymm2, %ymm1, %ymm1
   401:	vpand	%ymm3, %ymm0, %ymm0
   405:	testb	$1, %al
   407:	je	30
   409:	movq	16(%r15), %rax
   40d:	vmovd	%xmm0, %esi
   411:	movl	8(%rax), %edi
   414:	sarl	$2, %edi
   417:	cmpl	%edi, %esi
   419:	jae	12
   41b:	movq	(%rax), %rax
   41e:	movl	%esi, %esi
   420:	vextractps	$0, %xmm1, (%rax,%rsi,4)
   427:	testb	$1, %r8b
   42b:	je	32
   42d:	movq	16(%r15), %rax
   431:	vpextrd	$1, %xmm0, %esi
   437:	movl	8(%rax), %edi
   43a:	sarl	$2, %edi
   43d:	cmpl	%edi, %esi
   43f:	jae	12
   441:	movq	(%rax), %rax
   444:	movl	%esi, %esi
   446:	vextractps	$1, %xmm1, (%rax,%rsi,4)
   44d:	testb	$1, %r9b
   451:	je	32
   453:	movq	16(%r15), %rax
   457:	vpextrd	$2, %xmm0, %esi
   45d:	movl	8(%rax), %edi
   460:	sarl	$2, %edi
   463:	cmpl	%edi, %esi
   465:	jae	12
   467:	movq	(%rax), %rax
   46a:	movl	%esi, %esi
   46c:	vextractps	$2, %xmm1, (%rax,%rsi,4)
   473:	testb	$1, %r10b
   477:	je	32
   479:	movq	16(%r15), %rax
   47d:	vpextrd	$3, %xmm0, %esi
   483:	movl	8(%rax), %edi
   486:	sarl	$2, %edi
   489:	cmpl	%edi, %esi
   48b:	jae	12
   48d:	movq	(%rax), %rax
   490:	movl	%esi, %esi
   492:	vextractps	$3, %xmm1, (%rax,%rsi,4)
   499:	vextracti128	$1, %ymm0, %xmm0
   49f:	testb	$1, %r11b
   4a3:	je	36
   4a5:	movq	16(%r15), %rax
   4a9:	vmovd	%xmm0, %esi
   4ad:	movl	8(%rax), %edi
   4b0:	sarl	$2, %edi
   4b3:	cmpl	%edi, %esi
   4b5:	jae	18
   4b7:	movq	(%rax), %rax
   4ba:	vextractf128	$1, %ymm1, %xmm2
   4c0:	movl	%esi, %esi
   4c2:	vextractps	$0, %xmm2, (%rax,%rsi,4)
   4c9:	testb	$1, %r14b
   4cd:	je	38
   4cf:	movq	16(%r15), %rax
   4d3:	vpextrd	$1, %xmm0, %esi
   4d9:	movl	8(%rax), %edi
   4dc:	sarl	$2, %edi
   4df:	cmpl	%edi, %esi
   4e1:	jae	18
   4e3:	movq	(%rax), %rax
   4e6:	vextractf128	$1, %ymm1, %xmm2
   4ec:	movl	%esi, %esi
   4ee:	vextractps	$1, %xmm2, (%rax,%rsi,4)
   4f5:	testb	$1, %cl
   4f8:	je	38
   4fa:	movq	16(%r15), %rax
   4fe:	vpextrd	$2, %xmm0, %ecx
   504:	movl	8(%rax), %esi
   507:	sarl	$2, %esi
   50a:	cmpl	%esi, %ecx
   50c:	jae	18
   50e:	movq	(%rax), %rax
   511:	vextractf128	$1, %ymm1, %xmm2
   517:	movl	%ecx, %ecx
   519:	vextractps	$2, %xmm2, (%rax,%rcx,4)
   520:	movq	24(%rsp), %rax
   525:	addq	16(%rsp), %rax
   52a:	testb	$1, %dl
   52d:	je	38
   52f:	movq	16(%r15), %rsi
   533:	vpextrd	$3, %xmm0, %ecx
   539:	movl	8(%rsi), %edx
   53c:	sarl	$2, %edx
   53f:	cmpl	%edx, %ecx
   541:	jae	18
   543:	movq	(%rsi), %rdx
   546:	vextractf128	$1, %ymm1, %xmm0
   54c:	movl	%ecx, %ecx
   54e:	vextractps	$3, %xmm0, (%rdx,%rcx,4)
   555:	movq	$0, (%rax)
   55c:	leaq	-40(%rbp), %rsp
   560:	popq	%rbx
   561:	popq	%r12
   563:	popq	%r13
   565:	popq	%r14
   567:	popq	%r15
   569:	popq	%rbp
   56a:	vzeroupper
   56d:	retq


